// Where the processed documents come from, in doc_id order: computed from the raw texts (in a pool of
// worker threads, or in the main thread, each annotation taken from the per-document cache when it is
// there), or read back from the partial files of shards. Whichever, the consumer sees the same
// documents in the same order, so the published bytes cannot depend on it.
import { availableParallelism } from "node:os"
import { join } from "node:path"
import { Effect, Stream, type FileSystem, type Path, type Scope } from "effect"
import { type DocumentCache, type DocumentCodebooks, type DocumentContext, type DocumentReply, type DocumentRequest, fromCache, type LeftOutPart, openDocumentCache, processCached, type ProcessedDocument, ROWS_PARTS } from "./document.ts"
import { InputError } from "./errors.ts"
import { openDiskCache } from "./cache.ts"
import type { Interval } from "./measure/bootstrap.ts"
import { readDocument } from "./ingest.ts"
import type { PublishError } from "./errors.ts"
import { PartialUnreadable, type PartialFile } from "./shards.ts"
import { startWorkerPool, type StartedPool, type WorkerPool } from "./workers/pool.ts"
import type { DocumentWorkerSetup } from "./workers/document-worker.ts"
import type { SourceRow } from "../schemas/inputs/sources.ts"

export type OnDocument = (doc: ProcessedDocument) => Effect.Effect<void, PublishError>

/**
 * Hands every document, in order, to `onDocument`; the parts in `unneeded` may be left out (leaveOut),
 * and so may the term counts of the documents in `termsCounted` (the measures hold them already).
 */
export type DocumentFeed = (
  onDocument: OnDocument,
  unneeded: ReadonlySet<LeftOutPart>,
  termsCounted?: ReadonlySet<string>
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
  /**
   * The SHA-256 of each text's raw bytes, by doc_id, when they were read as the run started
   * (hashRawTexts): a document the cache holds is then taken from it without reading its text again.
   */
  readonly known?: ReadonlyMap<string, string> | undefined
}

/**
 * The documents' annotations, a folder per code fingerprint (entries of other code versions are never
 * read, and can be deleted with their folder).
 */
const entriesDir = (settings: CacheSettings) => join(settings.dir, "documents", settings.codeKey.slice(0, 16))

/** The published tables kept for re-runs (table-store.ts). */
export const tableStoreDir = (cacheDir: string) => join(cacheDir, "tables")

/** The corpus's term totals kept for re-runs (term-store.ts). */
export const termStoreDir = (cacheDir: string) => join(cacheDir, "terms")

/** The figures drawn, by their specs (figures.ts). */
export const figureCacheDir = (cacheDir: string) => join(cacheDir, "figures")

/** The documents' annotations in the cache, read in the main thread. */
export const cachedAnnotations = (settings: CacheSettings) => openDocumentCache(entriesDir(settings), settings).annotations

/** The groups' bootstrap intervals, by what they were bootstrapped from (measure/bootstrap-units.ts), under the code's folder. */
export const cachedUnitIntervals = (settings: CacheSettings) => openDiskCache<ReadonlyArray<Interval | null>>(join(entriesDir(settings), "unit-intervals"))

const mainThreadCache = (settings: CacheSettings | undefined): DocumentCache | undefined =>
  settings === undefined
    ? undefined
    : openDocumentCache(entriesDir(settings), settings)

const documentWorker = new URL("./workers/document-worker.ts", import.meta.url)

export type DocumentWorkers = StartedPool<DocumentRequest, DocumentReply>

/**
 * Document workers started ahead of the run (they load their code while the main thread reads the
 * corpus's inputs): as many as "auto" gives when rows are written (one more is started if not).
 */
export const startDocumentWorkers = (workers: number | "auto"): DocumentWorkers | undefined => {
  const size = poolSize(workers, new Set())
  return size > 0 ? startWorkerPool<DocumentRequest, DocumentReply>(documentWorker, size) : undefined
}

/** The pool of `size` workers, taken from the workers started ahead if there are some. */
const openPool = (codebooks: DocumentCodebooks, context: DocumentContext, options: ProcessingOptions, size: number, unneeded: ReadonlySet<LeftOutPart>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const started = options.started ?? startWorkerPool<DocumentRequest, DocumentReply>(documentWorker, size)
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
const answer = (pending: Promise<DocumentReply>) => Effect.promise(() => pending)

/**
 * The text, read; if its hash was taken as the run started, it must not have changed since (the tables
 * taken from the table store were chosen by that hash).
 */
const readUnchanged = (rawDir: string, { line, row }: SourceEntry, known: string | undefined) =>
  Effect.flatMap(readDocument(rawDir, row, line), (raw) =>
    known === undefined || raw.sha256 === known
      ? Effect.succeed(raw)
      : Effect.fail(new InputError({
        file: `texts/${row.file}`,
        problem: "changed while the pipeline was running",
        fix: "Run the pipeline again once nothing is writing to the texts."
      })))

/** The document processed by the pool, from its text (read and sent). */
const processText = (pool: WorkerPool<DocumentRequest, DocumentReply>, rawDir: string, entry: SourceEntry, known: string | undefined) =>
  Effect.flatMap(readUnchanged(rawDir, entry, known), (raw) =>
    Effect.flatMap(answer(pool.run(raw)), (doc) => (doc === null ? Effect.die(new Error(`no document came back for ${entry.row.doc_id}`)) : Effect.succeed(doc))))

/**
 * The document processed by the pool: taken from the cache without reading its text when its hash is
 * known, else (or when the cache does not hold it) from its text.
 */
const processEntry = (pool: WorkerPool<DocumentRequest, DocumentReply>, rawDir: string, entry: SourceEntry, known: string | undefined, termsCounted: boolean) =>
  known === undefined
    ? processText(pool, rawDir, entry, known)
    : Effect.flatMap(answer(pool.run({ source: entry.row, sha256: known, ...(termsCounted ? { termsCounted } : {}) })), (doc) => (doc === null ? processText(pool, rawDir, entry, known) : Effect.succeed(doc)))

/**
 * The documents of `sources` processed by the pool (those the cache holds taken from it, the others
 * read in the main thread, where a bad file is reported, and sent), and consumed in order. Up to
 * `inFlight` documents are being read or processed while the main thread consumes the earlier ones,
 * so that neither waits on the other.
 */
const processInPool = (
  pool: WorkerPool<DocumentRequest, DocumentReply>,
  rawDir: string,
  sources: ReadonlyArray<SourceEntry>,
  known: ReadonlyMap<string, string> | undefined,
  termsCounted: ReadonlySet<string>,
  inFlight: number,
  onDocument: OnDocument
) =>
  Stream.fromIterable(sources).pipe(
    Stream.mapEffect((entry) => processEntry(pool, rawDir, entry, known?.get(entry.row.doc_id), termsCounted.has(entry.row.doc_id)), { concurrency: inFlight }),
    Stream.runForEach(onDocument)
  )

export interface SourceEntry {
  readonly line: number
  readonly row: SourceRow
}

/**
 * The documents of `sources` (already in doc_id order), processed from the raw texts. The workers are
 * stopped once the last document is in, so that their memory (a wink-nlp model each) is free while
 * the run finishes its files.
 */
export const documentsFromRaw = (
  rawDir: string,
  sources: ReadonlyArray<SourceEntry>,
  codebooks: DocumentCodebooks,
  context: DocumentContext,
  options: ProcessingOptions
): DocumentFeed =>
  (onDocument, unneeded, termsCounted = new Set()) =>
    Effect.scoped(Effect.gen(function* () {
      const workers = poolSize(options.workers, unneeded)
      const known = options.cache === undefined ? undefined : options.known
      if (workers === 0 || sources.length === 0) {
        const cache = mainThreadCache(options.cache)
        const withoutTerms = new Set([...unneeded, "terms" as const])
        for (const entry of sources) {
          const sha256 = known?.get(entry.row.doc_id)
          const leftOut = termsCounted.has(entry.row.doc_id) ? withoutTerms : unneeded
          const cached = sha256 === undefined || cache === undefined ? undefined : fromCache({ source: entry.row, sha256 }, context, cache, leftOut)
          yield* onDocument(cached ?? processCached(yield* readUnchanged(rawDir, entry, sha256), context, cache, unneeded))
        }
        return
      }
      const pool = yield* openPool(codebooks, context, options, workers, unneeded)
      yield* processInPool(pool, rawDir, sources, known, termsCounted, IN_FLIGHT_PER_WORKER * workers, onDocument)
    }))

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
