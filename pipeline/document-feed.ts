// Where the processed documents come from, in doc_id order: computed from the raw texts (in a pool of
// worker threads, or in the main thread, each annotation taken from the per-document cache when it is
// there), or read back from the partial files of shards. Whichever, the consumer sees the same
// documents in the same order, so the published bytes cannot depend on it.
import { availableParallelism } from "node:os"
import { join } from "node:path"
import { Effect, Stream, type FileSystem, type Path, type Scope } from "effect"
import { openDocumentCache, processCached, ROWS_PARTS, type DocumentCache, type DocumentCodebooks, type DocumentContext, type LeftOutPart, type ProcessedDocument } from "./document.ts"
import { InputError } from "./errors.ts"
import { readDocument, type RawDocument } from "./ingest.ts"
import type { PublishError } from "./errors.ts"
import { PartialUnreadable, type PartialFile } from "./shards.ts"
import { startWorkerPool, type StartedPool, type WorkerPool } from "./workers/pool.ts"
import type { DocumentWorkerSetup } from "./workers/document-worker.ts"
import type { SourceRow } from "../schemas/inputs/sources.ts"

export type OnDocument = (doc: ProcessedDocument) => Effect.Effect<void, PublishError>

/** Hands every document, in order, to `onDocument`; the parts in `unneeded` may be left out (leaveOut). */
export type DocumentFeed = (
  onDocument: OnDocument,
  unneeded: ReadonlySet<LeftOutPart>
) => Effect.Effect<void, InputError | PublishError, FileSystem.FileSystem | Path.Path | Scope.Scope>

export interface CacheSettings {
  /** The cache's folder: documents/ (annotations), tables/ (published tables) and figures/. */
  readonly dir: string
  readonly inputsKey: string
  readonly codeKey: string
}

export interface ProcessingOptions {
  /** Worker threads; 0 processes the documents in the main thread; "auto": see poolSize. */
  readonly workers: number | "auto"
  /** Workers started ahead (startDocumentWorkers); their owner closes them. */
  readonly started?: DocumentWorkers | undefined
  readonly cache: CacheSettings | undefined
}

/**
 * The documents' annotations, a folder per code fingerprint (entries of other code versions are never
 * read, and can be deleted with their folder).
 */
const entriesDir = (settings: CacheSettings) => join(settings.dir, "documents", settings.codeKey.slice(0, 16))

/** The published tables kept for re-runs (table-store.ts). */
export const tableStoreDir = (cacheDir: string) => join(cacheDir, "tables")

/** The figures drawn, by their specs (figures.ts). */
export const figureCacheDir = (cacheDir: string) => join(cacheDir, "figures")

const mainThreadCache = (settings: CacheSettings | undefined): DocumentCache | undefined =>
  settings === undefined
    ? undefined
    : openDocumentCache(entriesDir(settings), settings)

const documentWorker = new URL("./workers/document-worker.ts", import.meta.url)

export type DocumentWorkers = StartedPool<RawDocument, ProcessedDocument>

/**
 * Document workers started ahead of the run (they load their code while the main thread reads the
 * corpus's inputs): as many as "auto" gives when rows are written (one more is started if not).
 */
export const startDocumentWorkers = (workers: number | "auto"): DocumentWorkers | undefined => {
  const size = poolSize(workers, new Set())
  return size > 0 ? startWorkerPool<RawDocument, ProcessedDocument>(documentWorker, size) : undefined
}

/** The pool of `size` workers, taken from the workers started ahead if there are some. */
const openPool = (codebooks: DocumentCodebooks, context: DocumentContext, options: ProcessingOptions, size: number, unneeded: ReadonlySet<LeftOutPart>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const started = options.started ?? startWorkerPool<RawDocument, ProcessedDocument>(documentWorker, size)
      return started.configure({
        codebooks,
        measures: context.measures,
        cache: options.cache === undefined ? null : { ...options.cache, dir: entriesDir(options.cache) },
        leftOut: [...unneeded]
      } satisfies DocumentWorkerSetup, size)
    }),
    (pool) => Effect.promise(() => pool.close())
  )

/**
 * "auto": a worker per CPU but one, for the main thread that writes the documents' rows; a worker per
 * CPU when every per-document table is taken from the table store, as the main thread then writes little.
 */
export const poolSize = (workers: number | "auto", unneeded: ReadonlySet<LeftOutPart>): number => {
  if (workers !== "auto") return workers
  const cpus = availableParallelism()
  return ROWS_PARTS.every((part) => unneeded.has(part)) ? cpus : Math.max(1, cpus - 1)
}

/**
 * Documents per worker being read, processed or waiting to be consumed: enough that a worker always has
 * the next one queued while the main thread consumes (a re-run's documents take a few milliseconds each,
 * so a shallow queue left workers and main thread waiting on each other half the time).
 */
const IN_FLIGHT_PER_WORKER = 8

/** A worker's failure is a bug of the pipeline's, not of the input: it ends the run as an internal error. */
const answer = (pending: Promise<ProcessedDocument>) => Effect.promise(() => pending)

/**
 * The documents of `sources` processed: read in the main thread (where a bad file is reported), then
 * processed by the pool, and consumed in order. Up to `inFlight` documents are being read or processed
 * while the main thread consumes the earlier ones, so that neither waits on the other.
 */
const processInPool = (pool: WorkerPool<RawDocument, ProcessedDocument>, rawDir: string, sources: ReadonlyArray<SourceEntry>, inFlight: number, onDocument: OnDocument) =>
  Stream.fromIterable(sources).pipe(
    Stream.mapEffect(({ line, row }) => Effect.flatMap(readDocument(rawDir, row, line), (raw) => answer(pool.run(raw))), { concurrency: inFlight }),
    Stream.runForEach(onDocument)
  )

export interface SourceEntry {
  readonly line: number
  readonly row: SourceRow
}

/** The documents of `sources` (already in doc_id order), processed from the raw texts. */
export const documentsFromRaw = (
  rawDir: string,
  sources: ReadonlyArray<SourceEntry>,
  codebooks: DocumentCodebooks,
  context: DocumentContext,
  options: ProcessingOptions
): DocumentFeed =>
  (onDocument, unneeded) =>
    Effect.gen(function* () {
      const workers = poolSize(options.workers, unneeded)
      if (workers === 0 || sources.length === 0) {
        const cache = mainThreadCache(options.cache)
        for (const { line, row } of sources) {
          yield* onDocument(processCached(yield* readDocument(rawDir, row, line), context, cache, unneeded))
        }
        return
      }
      const pool = yield* openPool(codebooks, context, options, workers, unneeded)
      yield* processInPool(pool, rawDir, sources, IN_FLIGHT_PER_WORKER * workers, onDocument)
    })

/** The documents held by partial files, read in the order given. */
export const documentsFromPartials = (partials: ReadonlyArray<PartialFile>): DocumentFeed =>
  (onDocument) =>
    Effect.gen(function* () {
      for (const partial of partials) {
        const documents = partial.documents()
        while (true) {
          const next = yield* Effect.try({
            try: () => documents.next(),
            catch: (error) =>
              error instanceof PartialUnreadable
                ? new InputError({ file: error.file, problem: error.problem, fix: "Run that shard again (its partial is damaged), then merge." })
                : new InputError({ file: partial.path, problem: `could not be read (${String(error)})`, fix: "Run that shard again, then merge." })
          })
          if (next.done === true) break
          yield* onDocument(next.value)
        }
      }
    })
