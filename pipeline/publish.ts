// Stage 6, publish: every table as CSV, Arrow and Parquet in dist-data/<dataset>/<version>/, with
// datapackage.json, manifest.json and the README codebook.
//
// A version is written as its rows arrive: `openVersion` opens a staging folder beside the version's
// final place (same file system) with a streaming writer per table file; `append` validates each row
// (once, here), checks it follows the table's order, digests it and writes it; `finish` closes the files,
// writes the figures, datapackage.json, README.md and manifest.json, reads every file back (each file's
// SHA-256, and each table file's rows, whose digest must equal the one taken when they were appended)
// and moves the staging folder into place with one rename: a version is either wholly there or not at
// all, and never overwritten. Memory stays bounded by a row group, not by the tables (see
// publish/table-writer.ts). Files are read back as soon as they are written, by worker threads for a
// large version, while the main thread writes the rest (publish/readback-queue.ts).
//
// Staging folders are named `.staging-<pid>-<host>-<version>-<random>`, <host> the first 8 hex digits of
// the SHA-256 of the host name. The scope that opened one removes
// it on failure or interruption; a run that was killed cannot, so each run first removes the staging
// folders of this host whose process is no longer alive (others, from another host sharing the folder or
// a live run, are left alone). A leftover staging folder is never mistaken for a version: versions are
// found by their exact folder name, and staging names start with a dot.
import { createHash, randomBytes } from "node:crypto"
import { mkdirSync, renameSync, rmdirSync, rmSync } from "node:fs"
import { availableParallelism, hostname } from "node:os"
import { Effect, FileSystem, Path, type Scope } from "effect"
import type { Row, Table } from "../schemas/table.ts"
import type { DatasetCard } from "../schemas/inputs/dataset.ts"
import type { Figure } from "./figures.ts"
import { PublishError } from "./errors.ts"
import { sha256 } from "./ingest.ts"
import { renderCodebook } from "./publish/codebook.ts"
import { dataPackage, jsonBytes, manifest, type Provenance, type RenderedFile } from "./publish/descriptor.ts"
import { tableLayout } from "./publish/layout.ts"
import { describeProblem } from "./publish/readback.ts"
import type { ReadbackJob, ReadbackOutcome, RowsOutcome } from "./publish/readback-job.ts"
import { ReadbackQueue } from "./publish/readback-queue.ts"
import type { RowGroupLimits } from "./publish/row-groups.ts"
import type { GroupIdentity, GroupPlace, PreviousGroups } from "./publish/group-reuse.ts"
import type { TableSize } from "./document.ts"
import type { TableDigest } from "./publish/digest.ts"
import type { WrittenFile } from "./publish/sink.ts"
import { type FileCopy, startCopier } from "./publish/copy.ts"
import type { WorkerPool } from "./workers/pool.ts"
import { type ClosedFiles, ParquetUnreadable, PreviousFilesUnreadable, RowRejected, TableWriter, type WrittenTable } from "./publish/table-writer.ts"
import { compareContent, TABLE_FORMATS, tableFile, type TableFormat, type TakenGroup } from "./publish/verify.ts"

export type { RowGroupLimits } from "./publish/row-groups.ts"

export interface TableData<T extends Table<any> = Table<any>> {
  readonly table: T
  readonly rows: ReadonlyArray<Row<T>>
}

export interface FinishRequest {
  readonly provenance: Provenance
  /** Charts of the measures, written as figures/<name>.svg and shown in the codebook. */
  readonly figures: ReadonlyArray<Figure>
  readonly sections?: ReadonlyArray<{ readonly title: string; readonly body: string }>
}

export interface PublishRequest extends FinishRequest {
  readonly outDir: string
  readonly dataset: DatasetCard
  readonly tables: ReadonlyArray<TableData>
}

export interface PublishResult {
  readonly path: string
  /** "unchanged": the version already existed with exactly these files. */
  readonly status: "published" | "unchanged"
  readonly files: ReadonlyArray<RenderedFile>
  readonly tables: ReadonlyArray<PublishedTable>
}

export interface OpenVersionOptions {
  readonly outDir: string
  readonly dataset: DatasetCard
  /** Every table of the version, in the order datapackage.json and the codebook list them. */
  readonly tables: ReadonlyArray<Table<any>>
  /** Where Parquet row groups and Arrow record batches end (smaller in tests, to exercise many). */
  readonly rowGroupLimits?: RowGroupLimits
  /** For tests: called with the staging folder once every file is written, before they are read back. */
  readonly beforeVerify?: (stagingDir: string) => void
  /**
   * Worker threads that read the files back beside the main thread. By default one fewer than the
   * processors, for a version whose CSV files pass READBACK_WORKERS_FROM_BYTES, else none.
   */
  readonly readbackWorkers?: number
}

export interface VersionWriter {
  /** The version folder this becomes. */
  readonly path: string
  /** The staging folder being written, until `finish` moves it to `path`. */
  readonly staging: string
  /** Validates and writes rows, which must come in the table's order (after those appended before). */
  readonly append: <T extends Table<any>>(table: T, rows: Iterable<Row<T>>) => Effect.Effect<void, PublishError>
  /**
   * Appends a document's rows, of the size given, read only if they must be written (not if they are
   * in a row group taken from the table's previous files: keepGroups).
   */
  readonly appendDocument: <T extends Table<any>>(table: T, docId: string, size: TableSize, read: () => ReadonlyArray<Row<T>>) => Effect.Effect<void, PublishError>
  /**
   * Takes a table's three files as they are, from a folder laid out as a version (a table store entry),
   * instead of appending its rows. They are copied while the run goes on, and read back with the other
   * files: a copy that is not the file `files` describes fails the version.
   */
  readonly adopt: (table: Table<any>, files: AdoptableFiles) => Effect.Effect<void, PublishError>
  /**
   * Records where the table's row groups lie (a table ordered by doc_id), and takes the groups of
   * `previous` that its rows make again (publish/group-reuse.ts). Before any row is appended.
   */
  readonly keepGroups: (table: Table<any>, identity: GroupIdentity, previous?: PreviousGroups) => Effect.Effect<void, PublishError>
  /**
   * Tells that these tables get no more rows: their files are finished now, one table after another,
   * while the run goes on (what `finish` would otherwise do first). A failure shows at `finish`.
   */
  readonly complete: (tables: ReadonlyArray<Table<any>>) => Effect.Effect<void, PublishError>
  /** Finishes, verifies and publishes the version (or finds it already published). Once. */
  readonly finish: (request: FinishRequest) => Effect.Effect<PublishResult, PublishError>
}

/** A table's files in a folder laid out as a version (csv/<table>.csv, …), and what they hold. */
export interface AdoptableFiles {
  readonly dir: string
  readonly digest: TableDigest
  readonly files: Readonly<Record<TableFormat, WrittenFile>>
}

/** A table of a finished version, with its rows' digest and its files. */
export interface PublishedTable {
  readonly table: Table<any>
  readonly digest: TableDigest
  readonly files: Readonly<Record<TableFormat, WrittenFile>>
  /** Taken with `adopt` rather than written. */
  readonly adopted: boolean
  /** Where its row groups lie (keepGroups). */
  readonly groups?: ReadonlyArray<GroupPlace> | undefined
}

/** Rows handed to the writers at a time when appending a long array or an iterable. */
const APPEND_CHUNK_ROWS = 8192
/** Below this much CSV, starting a worker thread costs more than it saves. */
const READBACK_WORKERS_FROM_BYTES = 8 << 20
const MAX_READBACK_WORKERS = 3

/** A table whose CSV and Parquet files are finished, its Arrow file still to write. */
interface ClosedTable {
  readonly table: Table<any>
  readonly writer: TableWriter
  readonly files: ClosedFiles
}

const publishError = (path: string, problem: string, fix: string) => new PublishError({ path, problem, fix })
const A_BUG = "This is a bug in the pipeline: please report it with the input that caused it."
const CHECK_DISK = "Check that the output folder is writable and the disk has space."

const writeFailure = (path: string) => (error: unknown) =>
  error instanceof RowRejected
    ? publishError(`${error.table} table`, `row ${error.row} ${error.detail}`, A_BUG)
    : error instanceof PreviousFilesUnreadable
    ? publishError(error.path, error.problem, "The cache's copy of a table's files is damaged: delete the cache folder (or run with --no-cache), then run again.")
    : error instanceof ParquetUnreadable
    ? publishError(error.problem.file, `failed validation (${describeProblem(error.problem)})`, A_BUG)
    : error instanceof PublishError
      ? error
      : publishError(path, `could not be written (${error instanceof Error ? error.message : String(error)})`, CHECK_DISK)

// ---------------------------------------------------------------- staging folders

const hostTag = createHash("sha256").update(hostname()).digest("hex").slice(0, 8)
const stagingPrefix = (version: string) => `.staging-${process.pid}-${hostTag}-${version}-`
const stagingName = /^\.staging-(\d+)-([0-9a-f]{8})-/

const processAlive = (pid: number): boolean => {
  if (!(pid > 0)) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM" // alive, another user's
  }
}

/** Removes staging folders left by killed runs on this host; best effort, never fails. */
const removeStaleStaging = (datasetDir: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const names = yield* fs.readDirectory(datasetDir)
    for (const name of names) {
      const match = stagingName.exec(name)
      if (match === null || match[2] !== hostTag || processAlive(Number(match[1]))) continue
      yield* fs.remove(path.join(datasetDir, name), { recursive: true }).pipe(Effect.ignore)
    }
  }).pipe(Effect.ignore)

const sameVersion = (versionDir: string, wanted: RenderedFile) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const existing = yield* fs.readFile(path.join(versionDir, "manifest.json")).pipe(Effect.orElseSucceed(() => new Uint8Array()))
    return sha256(existing) === wanted.sha256
  })

// ---------------------------------------------------------------- reading back

const readbackWorkers = (requested: number | undefined, csvBytes: number): number =>
  requested ?? (csvBytes < READBACK_WORKERS_FROM_BYTES ? 0 : Math.min(MAX_READBACK_WORKERS, availableParallelism() - 1))

const DISK_FIX = "Check the disk (space, permissions) and run again."

const rowsProblem = (file: string, rows: RowsOutcome | undefined) =>
  rows === undefined
    ? Effect.fail(publishError(file, "was not read back", A_BUG))
    : "error" in rows
    ? Effect.fail(publishError(file, `could not be read back (${rows.error})`, A_BUG))
    : Effect.succeed(rows.problem)

/**
 * What the files read back held, in the files' order whatever order they were read in: first every
 * file's bytes, then every table file's rows, against what was written.
 */
const checkReadback = (files: ReadonlyArray<RenderedFile>, outcomes: ReadonlyMap<string, ReadbackOutcome>, tables: ReadonlyArray<WrittenTable>) =>
  Effect.gen(function* () {
    for (const file of files) {
      const read = outcomes.get(file.path)?.read
      if (read === undefined) return yield* publishError(file.path, "could not be read back", DISK_FIX)
      if (read.sha256 !== file.sha256 || read.size !== file.size) return yield* publishError(file.path, "did not read back as written", DISK_FIX)
    }
    for (const { table, digest, parquetContent } of tables) {
      for (const format of TABLE_FORMATS) {
        const file = tableFile(table, format)
        const problem = format === "parquet"
          ? compareContent(file, parquetContent, digest, 0) // read back already, to write the Arrow file
          : yield* rowsProblem(file, outcomes.get(file)?.rows)
        if (problem !== undefined) {
          return yield* publishError(problem.file, `failed validation (${describeProblem(problem)})`, A_BUG)
        }
      }
    }
  })

// ---------------------------------------------------------------- taking files as they are

/**
 * Copies files beside their destinations (`<to>.taking`), reads each copy back, then renames them into
 * place; on failure no copy is left behind. The copying and reading are done by `copier`'s thread while
 * the run goes on. Gives what each copy read back as, by destination.
 */
const copyFiles = async (copier: WorkerPool<FileCopy, WrittenFile>, copies: ReadonlyArray<FileCopy>): Promise<ReadonlyMap<string, WrittenFile>> => {
  const readBack = new Map<string, WrittenFile>()
  try {
    await Promise.all(copies.map(async ({ from, to }) => {
      readBack.set(to, await copier.run({ from, to: `${to}.taking` }))
    }))
  } catch (error) {
    copies.forEach(({ to }) => rmSync(`${to}.taking`, { force: true }))
    throw error
  }
  copies.forEach(({ to }) => renameSync(`${to}.taking`, to))
  return readBack
}

// ---------------------------------------------------------------- the version writer

/**
 * Opens a version for writing, in a staging folder that the surrounding scope removes unless `finish`
 * has moved it into place.
 */
export const openVersion = (options: OpenVersionOptions): Effect.Effect<VersionWriter, PublishError, FileSystem.FileSystem | Path.Path | Scope.Scope> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const { dataset } = options
    const datasetDir = path.join(options.outDir, dataset.name)
    const versionDir = path.join(datasetDir, dataset.version)
    const writers = new Map<Table<any>, TableWriter>()
    const adopted = new Map<Table<any>, { readonly taken: AdoptableFiles; readonly readBack: Promise<ReadonlyMap<string, WrittenFile>> }>()
    /** The copies of the files taken, being made. */
    const copying = () => [...adopted.values()].map(({ readBack }) => readBack)
    /** The thread taking adopted files, started with the first; stopped once every copy is made. */
    let copier: WorkerPool<FileCopy, WrittenFile> | undefined
    const stopCopier = () => Effect.promise(async () => copier?.close())
    const state = { finishing: false, closed: false }

    const newDatasetDir = !(yield* fs.exists(datasetDir))
    yield* fs.makeDirectory(datasetDir, { recursive: true })
    yield* removeStaleStaging(datasetDir)
    // Not a temporary directory (created private, 0700): it becomes the version, readable as the umask allows.
    const staging = yield* Effect.acquireRelease(
      Effect.suspend(() => {
        const dir = path.join(datasetDir, `${stagingPrefix(dataset.version)}${randomBytes(6).toString("hex")}`)
        return fs.makeDirectory(dir).pipe(Effect.as(dir))
      }),
      (dir) =>
        Effect.sync(() => {
          if (state.closed) return
          for (const writer of writers.values()) {
            try {
              writer.abandon()
            } catch {
              // closing what is open, on the way out: the folder goes next anyway
            }
          }
        }).pipe(
          Effect.andThen(Effect.promise(() => Promise.allSettled(copying()))), // none may still be writing into the folder
          Effect.andThen(stopCopier()),
          Effect.andThen(fs.remove(dir, { recursive: true })), // gone already once published
          Effect.ignore,
          // A failed first run leaves no empty dataset folder either (rmdir fails on a folder that is not empty).
          Effect.andThen(newDatasetDir ? Effect.try(() => rmdirSync(datasetDir)).pipe(Effect.ignore) : Effect.void)
        )
    )
    yield* Effect.try({
      try: () => {
        for (const folder of ["csv", "arrow", "parquet", "figures"]) mkdirSync(path.join(staging, folder))
        for (const table of options.tables) {
          if (writers.has(table)) throw new Error(`table ${table.name} is listed twice`)
          writers.set(table, new TableWriter(table, staging, options.rowGroupLimits))
        }
      },
      catch: writeFailure(staging)
    })

    const writeChunk = (writer: TableWriter, rows: ReadonlyArray<Row<any>>) =>
      Effect.try({ try: () => writer.append(rows), catch: writeFailure(staging) })

    const append = <T extends Table<any>>(table: T, rows: Iterable<Row<T>>): Effect.Effect<void, PublishError> =>
      Effect.gen(function* () {
        const writer = writers.get(table)
        if (writer === undefined) return yield* publishError(`${table.name} table`, "is not one of the version's tables", A_BUG)
        if (state.finishing) return yield* publishError(`${table.name} table`, "was appended to after the version was finished", A_BUG)
        if (Array.isArray(rows)) {
          const array = rows as ReadonlyArray<Row<T>>
          if (array.length <= APPEND_CHUNK_ROWS) return yield* writeChunk(writer, array)
          for (let start = 0; start < array.length; start += APPEND_CHUNK_ROWS) {
            yield* writeChunk(writer, array.slice(start, start + APPEND_CHUNK_ROWS))
          }
          return
        }
        let chunk: Array<Row<T>> = []
        for (const row of rows) {
          chunk.push(row)
          if (chunk.length === APPEND_CHUNK_ROWS) {
            yield* writeChunk(writer, chunk)
            chunk = []
          }
        }
        if (chunk.length > 0) yield* writeChunk(writer, chunk)
      })

    const appendDocument = <T extends Table<any>>(table: T, docId: string, size: TableSize, read: () => ReadonlyArray<Row<T>>): Effect.Effect<void, PublishError> =>
      Effect.gen(function* () {
        const writer = writers.get(table)
        if (writer === undefined) return yield* publishError(`${table.name} table`, "is not one of the version's tables", A_BUG)
        if (state.finishing) return yield* publishError(`${table.name} table`, "was appended to after the version was finished", A_BUG)
        yield* Effect.try({ try: () => writer.appendDocument(docId, size, read), catch: writeFailure(staging) })
      })

    const adopt = (table: Table<any>, taken: AdoptableFiles): Effect.Effect<void, PublishError> =>
      Effect.gen(function* () {
        const writer = writers.get(table)
        if (writer === undefined || writer.rows > 0 || state.finishing) {
          return yield* publishError(`${table.name} table`, "cannot be taken after rows were appended to it, or twice", A_BUG)
        }
        writer.abandon() // its files, just opened, are replaced by the copies
        writers.delete(table)
        copier ??= startCopier()
        const readBack = copyFiles(copier, TABLE_FORMATS.map((format) => ({
          from: path.join(taken.dir, tableFile(table, format)),
          to: path.join(staging, tableFile(table, format))
        })))
        readBack.catch(() => {}) // awaited by finish, or on the way out
        adopted.set(table, { taken, readBack })
      })

    const keepGroups = (table: Table<any>, identity: GroupIdentity, previous?: PreviousGroups): Effect.Effect<void, PublishError> =>
      Effect.gen(function* () {
        const writer = writers.get(table)
        if (writer === undefined || state.finishing) return yield* publishError(`${table.name} table`, "cannot keep row groups: it was taken as it is, or the version is finished", A_BUG)
        yield* Effect.try({ try: () => writer.keepGroups(identity, previous), catch: writeFailure(staging) })
      })

    /** The tables being finished early (complete), one after another. */
    let completing: Promise<unknown> = Promise.resolve()
    const complete = (tables: ReadonlyArray<Table<any>>): Effect.Effect<void, PublishError> =>
      Effect.gen(function* () {
        if (state.finishing) return yield* publishError(versionDir, "had tables completed after it was finished", A_BUG)
        for (const table of tables) {
          const writer = writers.get(table)
          if (writer === undefined) continue // taken as it is
          // A failure is reported by finish, which awaits writer.close()'s own promise again.
          completing = completing.then(() => writer.close()).catch(() => {})
        }
      })

    const writeSmallFile = (file: string, bytes: Uint8Array) =>
      fs.writeFile(path.join(staging, file), bytes, { flag: "wx" }).pipe(
        Effect.as({ path: file, sha256: sha256(bytes), size: bytes.byteLength } satisfies RenderedFile)
      )

    /** Closes every table's files and writes the version's other files, each read back as soon as it is written. */
    const writeFiles = (request: FinishRequest, readback: ReadbackQueue, outcomes: Map<string, Promise<ReadbackOutcome>>, closed: ReadonlyArray<ClosedTable>) =>
      Effect.gen(function* () {
        const readBack = (job: ReadbackJob, last = false) => outcomes.set(job.file, last ? readback.addLast(job) : readback.add(job))
        const stagedPath = (file: string) => path.join(staging, file)
        const tableRows = (table: Table<any>, format: "csv" | "arrow", expected: TableDigest, taken: ReadonlyArray<TakenGroup>) =>
          ({ table: tableLayout(table), format, expected, ...(taken.length === 0 ? {} : { taken }) })
        for (const { table, files } of closed) {
          const file = tableFile(table, "csv")
          readBack({ file, path: stagedPath(file), rows: tableRows(table, "csv", files.digest, files.taken) })
        }
        const written: Array<WrittenTable> = []
        yield* Effect.promise(() => completing) // one table's files finished at a time
        for (const { table, writer } of closed) {
          const writtenTable = yield* Effect.tryPromise({ try: () => writer.close(), catch: writeFailure(staging) })
          written.push(writtenTable)
          const arrow = tableFile(table, "arrow")
          readBack({ file: arrow, path: stagedPath(arrow), rows: tableRows(table, "arrow", writtenTable.digest, writtenTable.taken) })
          const parquet = tableFile(table, "parquet")
          readBack({ file: parquet, path: stagedPath(parquet) })
        }
        state.closed = true

        const writeSmall = (file: string, bytes: Uint8Array, last = false) =>
          writeSmallFile(file, bytes).pipe(Effect.tap(() => Effect.sync(() => readBack({ file, path: stagedPath(file) }, last))))
        yield* Effect.tryPromise({ try: () => Promise.all(copying()), catch: writeFailure(staging) })
        yield* stopCopier()
        for (const [table, { readBack: copied }] of adopted) {
          for (const format of TABLE_FORMATS) {
            const file = tableFile(table, format)
            outcomes.set(file, copied.then((read) => ({ read: read.get(stagedPath(file)) }))) // read back as it was copied
          }
        }
        const tables: Array<PublishedTable> = options.tables.map((table) => {
          const taken = adopted.get(table)?.taken
          if (taken !== undefined) return { table, digest: taken.digest, files: taken.files, adopted: true }
          const { digest, files, groups } = written.find((entry) => entry.table === table)!
          return { table, digest, files, adopted: false, groups }
        })
        const tableFiles: Array<RenderedFile> = tables.flatMap(({ table, digest, files }) =>
          TABLE_FORMATS.map((format) => ({ path: tableFile(table, format), sha256: files[format].sha256, size: files[format].size, rows: digest.rows, table: table.name }))
        )
        const figureFiles: Array<RenderedFile> = []
        for (const figure of request.figures) {
          figureFiles.push(yield* writeSmall(`figures/${figure.name}.svg`, new TextEncoder().encode(figure.svg)))
        }
        const descriptor = yield* writeSmall(
          "datapackage.json",
          jsonBytes(dataPackage(dataset, options.tables, [...tableFiles, ...figureFiles], request.figures))
        )
        const codebook = yield* writeSmall("README.md", new TextEncoder().encode(renderCodebook({
          dataset,
          tables: tables.map(({ table, digest }) => ({ table, rows: digest.rows })),
          provenance: request.provenance,
          figures: request.figures,
          ...(request.sections ? { sections: request.sections } : {})
        })))
        const listed = [...tableFiles, ...figureFiles, descriptor, codebook]
        const manifestFile = yield* writeSmall("manifest.json", jsonBytes(manifest(dataset, listed, request.provenance)), true)
        return { written, tables, files: [...listed, manifestFile], manifestFile }
      })

    const finish = (request: FinishRequest): Effect.Effect<PublishResult, PublishError> =>
      Effect.gen(function* () {
        if (state.finishing) return yield* publishError(versionDir, "was finished twice", A_BUG)
        state.finishing = true
        // Every table's last row group written first, so that no table holds rows while the others'
        // Arrow files are written.
        const closed = yield* Effect.try({
          try: () =>
            options.tables
              .filter((table) => !adopted.has(table))
              .map((table): ClosedTable => ({ table, writer: writers.get(table)!, files: writers.get(table)!.closeFiles() })),
          catch: writeFailure(staging)
        })
        const csvBytes = closed.reduce((sum, { files }) => sum + files.csv.size, 0)
        const startReadback = Effect.sync(() => new ReadbackQueue(readbackWorkers(options.readbackWorkers, csvBytes), options.beforeVerify === undefined))
        return yield* Effect.acquireUseRelease(startReadback, (readback) => publishFiles(request, readback, closed), (readback) => Effect.promise(() => readback.close()))
      }).pipe(
        Effect.catchTag("PlatformError", (error) => Effect.fail(publishError(options.outDir, `could not be written (${error.message})`, CHECK_DISK))),
        Effect.provideService(FileSystem.FileSystem, fs),
        Effect.provideService(Path.Path, path)
      )

    const publishFiles = (request: FinishRequest, readback: ReadbackQueue, closed: ReadonlyArray<ClosedTable>) =>
      Effect.gen(function* () {
        const pending = new Map<string, Promise<ReadbackOutcome>>()
        const { written, tables, files, manifestFile } = yield* writeFiles(request, readback, pending, closed)

        const alreadyThere = { path: versionDir, status: "unchanged", files, tables } satisfies PublishResult
        const refuseOverwrite = publishError(
          versionDir,
          `version ${dataset.version} is already published with different content`,
          "A published version is never overwritten: bump `version` in dataset.yaml (or pass --version) and run again."
        )
        if (yield* fs.exists(versionDir)) {
          if (yield* sameVersion(versionDir, manifestFile)) return alreadyThere
          return yield* refuseOverwrite
        }

        if (options.beforeVerify !== undefined) options.beforeVerify(staging)
        readback.start()
        yield* Effect.promise(() => readback.readInMainThread())
        const outcomes = new Map<string, ReadbackOutcome>()
        for (const [file, outcome] of pending) outcomes.set(file, yield* Effect.promise(() => outcome))
        yield* checkReadback(files, outcomes, written)
        const moved = yield* fs.rename(staging, versionDir).pipe(Effect.as(true), Effect.orElseSucceed(() => false))
        if (moved) return { path: versionDir, status: "published", files, tables } satisfies PublishResult
        // Another run published the same version meanwhile: accept it only if it is identical.
        if (yield* sameVersion(versionDir, manifestFile)) return alreadyThere
        return yield* refuseOverwrite
      })

    return { path: versionDir, staging, append, appendDocument, adopt, keepGroups, complete, finish } satisfies VersionWriter
  }).pipe(
    Effect.catchTag("PlatformError", (error) =>
      Effect.fail(publishError(options.outDir, `could not be written (${error.message})`, CHECK_DISK))
    )
  )

/** Publishes tables already in memory: a version opened, each table appended whole, finished. */
export const publish = (request: PublishRequest) =>
  Effect.scoped(
    Effect.gen(function* () {
      const version = yield* openVersion({ outDir: request.outDir, dataset: request.dataset, tables: request.tables.map(({ table }) => table) })
      for (const { table, rows } of request.tables) yield* version.append(table, rows)
      return yield* version.finish(request)
    })
  )
