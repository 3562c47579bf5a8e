// Stage 1, ingest: the manifest, the outlet registry and the dataset card are decoded through their
// schemas; each text is read strictly as UTF-8 (BOM stripped, line endings normalised, NFC) with the
// SHA-256 of its raw bytes.
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { isAbsolute, relative, resolve } from "node:path"
import { Effect, FileSystem, Option, Path, Result, Schema } from "effect"
import { parse as parseCsv } from "csv-parse/sync"
import { InputError } from "./errors.ts"
import { firstProblem } from "../schemas/inputs/issues.ts"
import { requiredSourceColumns, SourceRow, sourceColumns } from "../schemas/inputs/sources.ts"
import { OutletRow, outletColumns, requiredOutletColumns } from "../schemas/inputs/outlets.ts"
import { DatasetCard, defaultDatasetCard } from "../schemas/inputs/dataset.ts"
import { decodeYamlCodebook } from "../schemas/inputs/yaml.ts"

export interface RawDocument {
  readonly source: SourceRow
  /** The text as ingested: UTF-8 decoded, BOM stripped, CRLF/CR → LF, NFC. */
  readonly raw: string
  readonly sha256: string
}

export interface InputFile {
  /** Path relative to the raw folder, with forward slashes. */
  readonly path: string
  readonly sha256: string
}

export const sha256 = (bytes: Uint8Array | string): string => createHash("sha256").update(bytes).digest("hex")

const readBytes = (path: string, shown: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    return yield* fs.readFile(path).pipe(
      Effect.mapError(() =>
        new InputError({ file: shown, problem: "cannot be read (missing, or not a file)", fix: "Check that the file exists and is readable." })
      )
    )
  })

export const fileExists = (path: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    return yield* fs.exists(path).pipe(Effect.orElseSucceed(() => false))
  })

// ---------------------------------------------------------------- CSV tables

const csvRecords = (text: string, file: string): Effect.Effect<ReadonlyArray<{ line: number; record: Record<string, string> }>, InputError> =>
  Effect.try({
    try: () =>
      (parseCsv(text, { bom: true, columns: true, info: true, skip_empty_lines: true, trim: false }) as Array<{
        info: { lines: number }
        record: Record<string, string>
      }>).map(({ info, record }) => ({ line: info.lines, record })),
    catch: (error) => {
      const detail = error as { message?: string; lines?: number }
      return new InputError({
        file,
        ...(detail.lines === undefined ? {} : { location: `line ${detail.lines}` }),
        problem: `is not valid CSV (${String(detail.message ?? error).replace(/\.$/, "")})`,
        fix: "Save it as comma-separated UTF-8 with a header row, quoting any field that contains a comma, quote or line break."
      })
    }
  })

const checkHeader = (text: string, file: string, required: ReadonlyArray<string>, known: ReadonlyArray<string>) => {
  const header = (parseCsv(text, { bom: true, to_line: 1 }) as Array<Array<string>>)[0] ?? []
  const missing = required.filter((column) => !header.includes(column))
  if (missing.length > 0) {
    return Effect.fail(new InputError({
      file,
      location: "line 1",
      problem: `lacks the required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`,
      fix: `Add ${missing.join(", ")} to the header row (known columns: ${known.join(", ")}).`
    }))
  }
  return Effect.succeed(header)
}

/** Reads a CSV file whose rows decode through `schema`; empty cells and absent columns become null. */
const readCsvTable = <S extends Schema.Codec<any, any>>(
  path: string,
  file: string,
  schema: S,
  columns: ReadonlyArray<string>,
  required: ReadonlyArray<string>
) =>
  Effect.gen(function* () {
    const text = yield* decodeUtf8(yield* readBytes(path, file), file)
    yield* checkHeader(text, file, required, columns)
    const records = yield* csvRecords(text, file)
    const decode = Schema.decodeUnknownResult(schema)
    const rows: Array<{ line: number; row: S["Type"] }> = []
    for (const { line, record } of records) {
      const cells = Object.fromEntries(columns.map((column) => {
        const cell = (record[column] ?? "").trim()
        return [column, cell === "" ? null : cell]
      }))
      const decoded = decode(cells)
      if (Result.isFailure(decoded)) {
        const problem = firstProblem(decoded.failure)
        return yield* new InputError({
          file,
          location: `line ${line}, column ${problem.field}`,
          problem: `the value ${JSON.stringify(cells[problem.field] ?? "")} ${problem.message.replace(/^Expected/, "is invalid: expected")}`,
          fix: `Correct the ${problem.field} cell on line ${line}.`
        })
      }
      rows.push({ line, row: decoded.success })
    }
    return rows
  })

// ---------------------------------------------------------------- texts

/** Strict UTF-8: a file that is binary or not UTF-8 is refused, never guessed at. */
export const decodeUtf8 = (bytes: Uint8Array, file: string): Effect.Effect<string, InputError> => {
  if (bytes.includes(0)) {
    return Effect.fail(new InputError({
      file,
      problem: "looks like a binary file (it contains NUL bytes)",
      fix: "Give a plain-text UTF-8 export of the document instead."
    }))
  }
  return Effect.try({
    try: () => new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes),
    catch: () => {
      const offset = firstInvalidUtf8(bytes)
      const line = bytes.subarray(0, offset).filter((byte) => byte === 0x0a).length + 1
      return new InputError({
        file,
        location: `line ${line}, byte ${offset}`,
        problem: "is not valid UTF-8",
        fix: "Re-save the file as UTF-8 (for example with `iconv -f WINDOWS-1252 -t UTF-8`)."
      })
    }
  })
}

const firstInvalidUtf8 = (bytes: Uint8Array): number => {
  const decoder = new TextDecoder("utf-8", { fatal: true })
  let low = 0
  let high = bytes.length
  // The longest valid prefix, by bisection (a prefix may end inside a character, so allow 3 bytes slack).
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    try {
      decoder.decode(bytes.subarray(0, middle), { stream: true })
      decoder.decode()
      low = middle
    } catch {
      high = middle - 1
    }
  }
  return low
}

export const normaliseText = (text: string): string => text.replace(/\r\n?/g, "\n").normalize("NFC")

/** Whether a manifest's file name leaves texts/, given where it resolves to, relative to texts/. */
const leavesTexts = (file: string, inside: string, isAbsolute: (path: string) => boolean): boolean =>
  isAbsolute(file) || inside.startsWith("..") || isAbsolute(inside)

const textPath = (path: Path.Path, textsDir: string, source: SourceRow, line: number) => {
  const resolved = path.resolve(textsDir, source.file)
  if (leavesTexts(source.file, path.relative(textsDir, resolved), path.isAbsolute)) {
    return Effect.fail(new InputError({
      file: "sources.csv",
      location: `line ${line}, column file`,
      problem: `the path ${JSON.stringify(source.file)} reaches outside texts/`,
      fix: "Give the file's path relative to the texts/ folder, without '..'."
    }))
  }
  return Effect.succeed(resolved)
}

/**
 * The SHA-256 of every text's raw bytes, by doc_id, each text read once as a run that uses the cache
 * starts: what finds a document in the per-document cache and a table in the table store, so that a
 * document found in the cache is not read again. Undefined if a text cannot be read or its path leaves
 * texts/ (the run then reads each text as it goes, and reports the bad one).
 */
export const hashRawTexts = (rawDir: string, sources: ReadonlyArray<{ readonly row: SourceRow }>): ReadonlyMap<string, string> | undefined => {
  const textsDir = resolve(rawDir, "texts")
  const hashes = new Map<string, string>()
  for (const { row } of sources) {
    const file = resolve(textsDir, row.file)
    if (leavesTexts(row.file, relative(textsDir, file), isAbsolute)) return undefined
    try {
      hashes.set(row.doc_id, sha256(readFileSync(file)))
    } catch {
      return undefined
    }
  }
  return hashes
}

export const readDocument = (rawDir: string, source: SourceRow, line: number) =>
  Effect.gen(function* () {
    const path = yield* Path.Path
    const textsDir = path.join(rawDir, "texts")
    const filePath = yield* textPath(path, textsDir, source, line)
    const shown = `texts/${source.file}`
    // Read first, and only when that fails ask why: one file-system call per document, not two.
    const fs = yield* FileSystem.FileSystem
    const read = yield* fs.readFile(filePath).pipe(Effect.option)
    if (Option.isNone(read) && !(yield* fileExists(filePath))) {
      return yield* new InputError({
        file: "sources.csv",
        location: `line ${line}, column file`,
        problem: `names ${shown}, which does not exist`,
        fix: "Add the text to texts/ or correct the file name."
      })
    }
    const bytes = Option.isSome(read) ? read.value : yield* readBytes(filePath, shown)
    const raw = normaliseText(yield* decodeUtf8(bytes, shown))
    if (raw.trim() === "") {
      return yield* new InputError({
        file: shown,
        problem: "is empty",
        fix: `Put the document's text in it, or remove the row for ${source.doc_id} from sources.csv.`
      })
    }
    return { source, raw, sha256: sha256(bytes) } satisfies RawDocument
  })

// ---------------------------------------------------------------- manifest

export interface Manifest {
  readonly sources: ReadonlyArray<{ readonly line: number; readonly row: SourceRow }>
  readonly outlets: ReadonlyMap<string, OutletRow>
  readonly dataset: DatasetCard
  readonly inputs: ReadonlyArray<InputFile>
}

const readOptionalFile = (path: string, shown: string) =>
  Effect.gen(function* () {
    if (!(yield* fileExists(path))) return undefined
    const bytes = yield* readBytes(path, shown)
    return { bytes, text: yield* decodeUtf8(bytes, shown) }
  })

/** Reads a YAML file through its schema; fields the schema does not declare are dropped. */
export const decodeYaml = <S extends Schema.Codec<any, any>>(text: string, file: string, schema: S): Effect.Effect<S["Type"], InputError> =>
  decodeYamlCodebook<S["Type"]>({
    yamlText: text,
    file,
    schema,
    unknownFields: "ignore",
    syntaxFix: "Fix the YAML syntax (indentation, quoting) at that line.",
    messages: {
      locate: (path) => `field ${path.join(".") || "(top level)"}`,
      schemaProblem: ({ path, message }) => ({
        problem: message,
        fix: `Correct ${path.join(".") || "the file"} as the comments in the bundled ${file} describe.`
      })
    }
  })

const readDatasetCard = (rawDir: string, fallbackName: string) =>
  Effect.gen(function* () {
    const path = yield* Path.Path
    const file = yield* readOptionalFile(path.join(rawDir, "dataset.yaml"), "dataset.yaml")
    if (file === undefined) return { dataset: defaultDatasetCard(fallbackName), input: undefined }
    const dataset = yield* decodeYaml(file.text, "dataset.yaml", DatasetCard)
    return { dataset, input: { path: "dataset.yaml", sha256: sha256(file.bytes) } }
  })

const readOutlets = (rawDir: string) =>
  Effect.gen(function* () {
    const path = yield* Path.Path
    const filePath = path.join(rawDir, "outlets.csv")
    if (!(yield* fileExists(filePath))) return { outlets: new Map<string, OutletRow>(), input: undefined }
    const rows = yield* readCsvTable(filePath, "outlets.csv", OutletRow, outletColumns, requiredOutletColumns)
    const outlets = new Map<string, OutletRow>()
    const firstLine = new Map<string, number>()
    for (const { line, row } of rows) {
      if (outlets.has(row.outlet_id)) {
        return yield* new InputError({
          file: "outlets.csv",
          location: `line ${line}, column outlet_id`,
          problem: `the outlet_id ${row.outlet_id} is already used on line ${firstLine.get(row.outlet_id)}`,
          fix: "Give every outlet its own outlet_id."
        })
      }
      outlets.set(row.outlet_id, row)
      firstLine.set(row.outlet_id, line)
    }
    const bytes = yield* readBytes(filePath, "outlets.csv")
    return { outlets, input: { path: "outlets.csv", sha256: sha256(bytes) } }
  })

const checkSources = (sources: ReadonlyArray<{ line: number; row: SourceRow }>, outlets: ReadonlyMap<string, OutletRow>) =>
  Effect.gen(function* () {
    const seenIds = new Map<string, number>()
    const seenFiles = new Map<string, number>()
    for (const { line, row } of sources) {
      const earlier = seenIds.get(row.doc_id)
      if (earlier !== undefined) {
        return yield* new InputError({
          file: "sources.csv",
          location: `line ${line}, column doc_id`,
          problem: `the doc_id ${row.doc_id} is already used on line ${earlier}`,
          fix: "Give every document its own doc_id."
        })
      }
      const sameFile = seenFiles.get(row.file)
      if (sameFile !== undefined) {
        return yield* new InputError({
          file: "sources.csv",
          location: `line ${line}, column file`,
          problem: `the file ${row.file} is already listed on line ${sameFile}`,
          fix: "List each text once."
        })
      }
      if (row.outlet_id !== null && !outlets.has(row.outlet_id)) {
        return yield* new InputError({
          file: "sources.csv",
          location: `line ${line}, column outlet_id`,
          problem: `the outlet ${row.outlet_id} is not in outlets.csv`,
          fix: `Add a row for ${row.outlet_id} to outlets.csv, or leave the cell empty if the outlet is unknown.`
        })
      }
      seenIds.set(row.doc_id, line)
      seenFiles.set(row.file, line)
    }
  })

/** Reads and checks everything about the corpus except the texts themselves. */
export const readManifest = (rawDir: string) =>
  Effect.gen(function* () {
    const path = yield* Path.Path
    const sourcesPath = path.join(rawDir, "sources.csv")
    if (!(yield* fileExists(sourcesPath))) {
      return yield* new InputError({
        file: sourcesPath,
        problem: "does not exist",
        fix: "Point --raw at a folder holding texts/ and sources.csv (one row per document: doc_id, file, …)."
      })
    }
    if (!(yield* fileExists(path.join(rawDir, "texts")))) {
      return yield* new InputError({
        file: path.join(rawDir, "texts"),
        problem: "does not exist",
        fix: "Put one UTF-8 plain-text file per document in a texts/ folder beside sources.csv."
      })
    }
    const sources = yield* readCsvTable(sourcesPath, "sources.csv", SourceRow, sourceColumns, requiredSourceColumns)
    if (sources.length === 0) {
      return yield* new InputError({ file: "sources.csv", problem: "lists no documents", fix: "Add one row per text." })
    }
    const { outlets, input: outletsInput } = yield* readOutlets(rawDir)
    yield* checkSources(sources, outlets)
    const { dataset, input: datasetInput } = yield* readDatasetCard(rawDir, path.basename(path.resolve(rawDir)))
    const sourcesInput = { path: "sources.csv", sha256: sha256(yield* readBytes(sourcesPath, "sources.csv")) }
    const inputs = [sourcesInput, outletsInput, datasetInput].filter((input) => input !== undefined)
    return { sources, outlets, dataset, inputs } satisfies Manifest
  })
