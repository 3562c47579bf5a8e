// Stage 6, publish: every table as CSV, Arrow and Parquet in dist-data/<dataset>/<version>/, with datapackage.json,
// manifest.json and the README codebook. Files are written aside, read back and validated, then moved
// into place with one rename: a version is either wholly there or not at all, and never overwritten.
import { Effect, FileSystem, Path } from "effect"
import type { Row, Table } from "../schemas/table.ts"
import type { DatasetCard } from "../schemas/inputs/dataset.ts"
import type { Figure } from "./figures.ts"
import { PublishError } from "./errors.ts"
import { sha256 } from "./ingest.ts"
import { encodeArrow } from "./publish/arrow.ts"
import { renderCodebook } from "./publish/codebook.ts"
import { encodeCsv } from "./publish/csv.ts"
import { dataPackage, jsonBytes, manifest, type Provenance, type RenderedFile } from "./publish/descriptor.ts"
import { checkArrow, checkCsv, describeProblem } from "./publish/readback.ts"
import { checkParquet, encodeParquet } from "./publish/parquet.ts"

export interface TableData<T extends Table<any> = Table<any>> {
  readonly table: T
  readonly rows: ReadonlyArray<Row<T>>
}

export interface PublishRequest {
  readonly outDir: string
  readonly dataset: DatasetCard
  readonly tables: ReadonlyArray<TableData>
  readonly provenance: Provenance
  /** Charts of the measures, written as figures/<name>.svg and shown in the codebook. */
  readonly figures: ReadonlyArray<Figure>
  readonly sections?: ReadonlyArray<{ readonly title: string; readonly body: string }>
}

export interface PublishResult {
  readonly path: string
  /** "unchanged": the version already existed with exactly these files. */
  readonly status: "published" | "unchanged"
  readonly files: ReadonlyArray<RenderedFile>
}

const rendered = (path: string, bytes: Uint8Array, extra: { rows?: number; table?: string } = {}): RenderedFile => ({
  path,
  bytes,
  sha256: sha256(bytes),
  ...extra
})

/** Every file of the version, in memory, byte for byte what will be written. */
export const renderVersion = (request: PublishRequest): ReadonlyArray<RenderedFile> => {
  const tableFiles = request.tables.flatMap(({ table, rows }) => [
    rendered(`csv/${table.name}.csv`, new TextEncoder().encode(encodeCsv(table, rows)), { rows: rows.length, table: table.name }),
    rendered(`arrow/${table.name}.arrow`, encodeArrow(table, rows), { rows: rows.length, table: table.name }),
    rendered(`parquet/${table.name}.parquet`, encodeParquet(table, rows), { rows: rows.length, table: table.name })
  ])
  const figureFiles = request.figures.map((figure) => rendered(`figures/${figure.name}.svg`, new TextEncoder().encode(figure.svg)))
  const tables = request.tables.map(({ table }) => table)
  const descriptor = rendered("datapackage.json", jsonBytes(dataPackage(request.dataset, tables, [...tableFiles, ...figureFiles], request.figures)))
  const codebook = rendered("README.md", new TextEncoder().encode(renderCodebook({
    dataset: request.dataset,
    tables: request.tables.map(({ table, rows }) => ({ table, rows: rows.length })),
    provenance: request.provenance,
    figures: request.figures,
    ...(request.sections ? { sections: request.sections } : {})
  })))
  const files = [...tableFiles, ...figureFiles, descriptor, codebook]
  return [...files, rendered("manifest.json", jsonBytes(manifest(request.dataset, files, request.provenance)))]
}

const publishError = (path: string, problem: string, fix: string) => new PublishError({ path, problem, fix })

const writeFiles = (dir: string, files: ReadonlyArray<RenderedFile>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    for (const file of files) {
      const target = path.join(dir, file.path)
      yield* fs.makeDirectory(path.dirname(target), { recursive: true })
      yield* fs.writeFile(target, file.bytes)
    }
  })

/** Reads every written file back: checksums, and each table's rows against its schema and the rows meant. */
const verifyWritten = (dir: string, request: PublishRequest, files: ReadonlyArray<RenderedFile>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    for (const file of files) {
      const bytes = yield* fs.readFile(path.join(dir, file.path))
      if (sha256(bytes) !== file.sha256) {
        return yield* publishError(file.path, "did not read back as written", "Check the disk (space, permissions) and run again.")
      }
    }
    for (const { table, rows } of request.tables) {
      const csvText = yield* fs.readFileString(path.join(dir, `csv/${table.name}.csv`))
      const arrowBytes = yield* fs.readFile(path.join(dir, `arrow/${table.name}.arrow`))
      const parquetFile = `parquet/${table.name}.parquet`
      const parquetBytes = yield* fs.readFile(path.join(dir, parquetFile))
      const parquetProblem = yield* Effect.tryPromise({
        try: () => checkParquet(table, parquetFile, parquetBytes, rows),
        catch: (error) => publishError(parquetFile, `could not be read back (${String(error)})`, "This is a bug in the pipeline: please report it with the input that caused it.")
      })
      const problem = checkCsv(table, `csv/${table.name}.csv`, csvText, rows) ??
        checkArrow(table, `arrow/${table.name}.arrow`, arrowBytes, rows) ??
        parquetProblem
      if (problem !== undefined) {
        return yield* publishError(problem.file, `failed validation (${describeProblem(problem)})`, "This is a bug in the pipeline: please report it with the input that caused it.")
      }
    }
  })

const sameVersion = (versionDir: string, files: ReadonlyArray<RenderedFile>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const wanted = files.find((file) => file.path === "manifest.json")!
    const existing = yield* fs.readFile(path.join(versionDir, "manifest.json")).pipe(Effect.orElseSucceed(() => new Uint8Array()))
    return sha256(existing) === wanted.sha256
  })

export const publish = (request: PublishRequest) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const datasetDir = path.join(request.outDir, request.dataset.name)
    const versionDir = path.join(datasetDir, request.dataset.version)
    const files = renderVersion(request)

    const alreadyThere = (status: "unchanged") => ({ path: versionDir, status, files }) satisfies PublishResult
    const refuseOverwrite = publishError(
      versionDir,
      `version ${request.dataset.version} is already published with different content`,
      "A published version is never overwritten: bump `version` in dataset.yaml (or pass --version) and run again."
    )
    if (yield* fs.exists(versionDir)) {
      if (yield* sameVersion(versionDir, files)) return alreadyThere("unchanged")
      return yield* refuseOverwrite
    }

    yield* fs.makeDirectory(datasetDir, { recursive: true })
    const staging = yield* fs.makeTempDirectory({ directory: datasetDir, prefix: `.staging-${request.dataset.version}-` })
    const cleanUp = fs.remove(staging, { recursive: true }).pipe(Effect.ignore)
    return yield* Effect.gen(function* () {
      yield* writeFiles(staging, files)
      yield* verifyWritten(staging, request, files)
      const moved = yield* fs.rename(staging, versionDir).pipe(Effect.as(true), Effect.orElseSucceed(() => false))
      if (moved) return { path: versionDir, status: "published", files } satisfies PublishResult
      // Another run published the same version meanwhile: accept it only if it is identical.
      if (yield* sameVersion(versionDir, files)) return alreadyThere("unchanged")
      return yield* refuseOverwrite
    }).pipe(Effect.onExit(() => cleanUp))
  }).pipe(
    Effect.catchTag("PlatformError", (error) =>
      Effect.fail(publishError(request.outDir, `could not be written (${error.message})`, "Check that the output folder is writable and the disk has space."))
    )
  )
