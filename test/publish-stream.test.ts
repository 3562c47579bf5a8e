// Publishing as rows stream in: each table's files written a chunk at a time (pipeline/publish/table-writer.ts)
// hold the same rows as the whole-table encoders give, in many row groups and record batches or one, the
// same bytes every time; the row digest taken on the way in is what every file must give back; and a
// version opened with openVersion is published whole or not at all, its staging folder never left behind.
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { hostname } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import * as Arrow from "apache-arrow"
import fc from "fast-check"
import { stringify } from "csv-stringify/sync"
import { Effect, Exit, Result } from "effect"
import { publishedTables } from "../schemas/index.ts"
import { documents } from "../schemas/documents.ts"
import { texts } from "../schemas/texts.ts"
import { tokens } from "../schemas/tokens.ts"
import type { Row, Table } from "../schemas/table.ts"
import { defaultDatasetCard } from "../schemas/inputs/dataset.ts"
import { ArrowTableWriter, decodeArrow, encodeArrow } from "../pipeline/publish/arrow.ts"
import { csvHeader, csvRecords, decodeCsv, encodeCsv } from "../pipeline/publish/csv.ts"
import { RowDigest } from "../pipeline/publish/digest.ts"
import { encodeParquet } from "../pipeline/publish/parquet.ts"
import { ROW_GROUP_LIMITS, rowGroupSizes, type RowGroupLimits } from "../pipeline/publish/row-groups.ts"
import { FileSink } from "../pipeline/publish/sink.ts"
import { TableWriter } from "../pipeline/publish/table-writer.ts"
import { readArrowContent, tableFile, type TableFormat, verifyTableFile } from "../pipeline/publish/verify.ts"
import { openVersion, publish } from "../pipeline/publish.ts"
import type { PipelineError } from "../pipeline/errors.ts"
import { failureOf, projectRoot, run, succeed, tempDir } from "./support.ts"

const seedCsvDir = join(projectRoot, "dist-data/seed-trump-putin-2025/1.0.0/csv")
const FORMATS: ReadonlyArray<TableFormat> = ["csv", "arrow", "parquet"]

/** The seed CSV of a table, decoded and validated: the rows the pipeline published. */
const seedRows = (table: Table<any>): Array<Row<any>> =>
  decodeCsv(table, readFileSync(join(seedCsvDir, `${table.name}.csv`), "utf8")).records.map((record, index) => {
    const decoded = table.decodeRow(record)
    if (Result.isFailure(decoded)) throw new Error(`${table.name}.csv row ${index + 2} is invalid: ${decoded.failure.message}`)
    return decoded.success
  })

/** Tiny row groups (and record batches): seven rows, or fewer where the text passes 2,000 characters. */
const SMALL: RowGroupLimits = { rows: 7, chars: 2000 }
/** Small ones for the large tables (thousands of 7-row groups take seconds). */
const smallFor = (rows: ReadonlyArray<unknown>): RowGroupLimits => (rows.length > 2000 ? { rows: 701, chars: 20_000 } : SMALL)

/** Writes a table through a TableWriter, `chunk` rows per append (so groups straddle appends). */
const writeTable = async (table: Table<any>, rows: ReadonlyArray<Row<any>>, limits: RowGroupLimits = ROW_GROUP_LIMITS, chunk = 5) => {
  const dir = tempDir("table")
  for (const format of FORMATS) mkdirSync(join(dir, format))
  const writer = new TableWriter(table, dir, limits)
  for (let start = 0; start < rows.length; start += chunk) writer.append(rows.slice(start, start + chunk))
  const written = await writer.close()
  const path = (format: TableFormat) => join(dir, tableFile(table, format))
  return { written, path, bytes: (format: TableFormat) => readFileSync(path(format)) }
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

/** The digest of the rows, its blocks ending where the row groups that `limits` make end. */
const digestOf = (table: Table<any>, rows: ReadonlyArray<Row<any>>, limits: RowGroupLimits = ROW_GROUP_LIMITS) => {
  const digest = new RowDigest()
  let end = 0
  const ends = new Set(rowGroupSizes(table, rows, limits).map((size) => (end += size)))
  rows.forEach((row, index) => {
    digest.addRecord(row, table.columns.map(({ name }) => name))
    if (ends.has(index + 1)) digest.endBlock()
  })
  return digest.result()
}

for (const table of publishedTables) {
  describe(`${table.name}, streamed`, () => {
    const rows = seedRows(table)

    it("in small row groups: the CSV and Parquet bytes of the whole-table encoders, the Arrow rows of encodeArrow, one dictionary per column", async () => {
      const limits = smallFor(rows)
      const { written, path, bytes } = await writeTable(table, rows, limits)
      expect(bytes("csv").toString("utf8")).toBe(encodeCsv(table, rows))
      expect(bytes("parquet").equals(encodeParquet(table, rows, limits))).toBe(true)
      const streamed = decodeArrow(bytes("arrow"))
      const whole = decodeArrow(encodeArrow(table, rows))
      expect(streamed.fields).toEqual(whole.fields)
      expect(streamed.records).toEqual(whole.records)

      const groups = rowGroupSizes(table, rows, limits)
      if (rows.length > limits.rows) expect(groups.length).toBeGreaterThan(1)
      const arrow = Arrow.tableFromIPC(bytes("arrow"))
      expect(arrow.batches.map((batch) => batch.numRows)).toEqual(groups)
      const reader = Arrow.RecordBatchReader.from(bytes("arrow"))
      reader.open()
      const dictionaryColumns = table.columns.filter(({ meta }) => meta.kind === "id").length
      expect(reader.numDictionaries).toBe(rows.length === 0 ? 0 : dictionaryColumns) // no delta dictionaries

      expect(written.digest).toEqual(digestOf(table, rows, limits))
      expect(written.digest.blockRows).toEqual(groups) // a digest block per row group
      for (const format of FORMATS) expect(await verifyTableFile(table, format, path(format), written.digest), format).toBeUndefined()
    })

    it("at the default limits: the very bytes of the whole-table encoders", async () => {
      const { written, bytes } = await writeTable(table, rows, ROW_GROUP_LIMITS, 1000)
      expect(bytes("csv").toString("utf8")).toBe(encodeCsv(table, rows))
      expect(bytes("arrow").equals(encodeArrow(table, rows))).toBe(true)
      expect(bytes("parquet").equals(encodeParquet(table, rows))).toBe(true)
      for (const format of FORMATS) expect(written.files[format].sha256).toBe(sha256(bytes(format)))
    })

    it("with no rows: the header or schema alone, read back as such", async () => {
      const { written, path, bytes } = await writeTable(table, [])
      expect(bytes("csv").toString("utf8")).toBe(encodeCsv(table, []))
      expect(bytes("parquet").equals(encodeParquet(table, []))).toBe(true)
      const arrow = Arrow.tableFromIPC(bytes("arrow"))
      expect(arrow.numRows).toBe(0)
      expect(arrow.schema.fields.map((field) => field.name)).toEqual(table.columns.map(({ name }) => name))
      expect(written.digest.rows).toBe(0)
      for (const format of FORMATS) expect(await verifyTableFile(table, format, path(format), written.digest), format).toBeUndefined()
    })
  })
}

describe("streamed bytes", () => {
  it("are the same when the same rows are written again, however they are chunked", async () => {
    const rows = seedRows(tokens)
    const first = await writeTable(tokens, rows, SMALL, 5)
    const second = await writeTable(tokens, rows, SMALL, 333)
    for (const format of FORMATS) expect(second.written.files[format], format).toEqual(first.written.files[format])
    expect(second.written.digest).toEqual(first.written.digest)
  })

  it("CSV: the hand-written encoder gives csv-stringify's bytes for any text", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "b", " ", "\t", "\u00a0", "\u2028", ",", '"', "\r", "\n", "é", "😀") })
    fc.assert(
      fc.property(fc.array(fc.record({ doc_id: text, text_clean: text }), { maxLength: 8 }), (rows) => {
        expect(csvHeader(texts) + csvRecords(texts, rows)).toBe(encodeCsv(texts, rows))
      }),
      { numRuns: 500 }
    )
  })

  it("Arrow: string columns hold the bytes apache-arrow's Utf8 builder gives, for any text", async () => {
    const text = fc.string({ unit: fc.constantFrom("a", " ", "é", "ß", "€", "😀", "\ud800", "\udc00", "\u0000"), maxLength: 40 })
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 6 }), async (cleanTexts) => {
        const rows = cleanTexts.map((text_clean, i) => ({ doc_id: `d${i}`, text_clean }))
        const { bytes } = await writeTable(texts, rows)
        expect(bytes("arrow").equals(encodeArrow(texts, rows))).toBe(true)
      }),
      { numRuns: 100 }
    )
  })

  it("Arrow: a record batch is indexed only by the dictionary values gathered from its own row group", async () => {
    const writer = new ArrowTableWriter(documents, new FileSink(join(tempDir("arrow-groups"), "documents.arrow")))
    const dictionaryColumns = writer.dictionaryColumns
    const group = (ids: ReadonlyArray<string>) => ({ rows: ids.length, columns: dictionaryColumns.map((name) => (name === "doc_id" ? ids : ids.map(() => "x"))) })
    writer.collect(group(["a", "b"]))
    writer.collect(group(["c"]))
    const allColumns = (ids: ReadonlyArray<string>) => ({ rows: ids.length, columns: documents.columns.map(({ name }) => ids.map((id) => (name === "doc_id" ? id : null))) })
    await expect(writer.writeColumns(allColumns(["a", "c"]))).rejects.toThrow("row group 0 holds other values than when its dictionary values were gathered")
    writer.abandon()
  })

  it("CSV: a field holding a line break is quoted (RFC 4180), whatever else it holds", () => {
    expect(csvRecords(texts, [{ doc_id: "a", text_clean: "Related:\n- more" }])).toBe('a,"Related:\n- more"\r\n')
    // csv-stringify leaves it bare unless told to quote record delimiters, which DuckDB and pandas cannot read
    expect(stringify([["a", "b\nc"]], { record_delimiter: "\r\n" })).toBe("a,b\nc\r\n")
  })
})

describe("the row digest", () => {
  const rows = seedRows(documents)
  const columns = documents.columns.map(({ name }) => name)

  it("is the same from records and from values in column order", () => {
    const fromValues = new RowDigest()
    for (const row of rows) fromValues.addValues(columns.map((name) => (row as Record<string, unknown>)[name]))
    expect(fromValues.result()).toEqual(digestOf(documents, rows))
  })

  it("tells apart what a file could confuse: null and empty text, a number and its text, true and \"true\"", () => {
    const of = (values: ReadonlyArray<unknown>) => {
      const digest = new RowDigest()
      digest.addValues(values)
      return digest.result().sha256
    }
    expect(of([null])).not.toBe(of([""]))
    expect(of([1])).not.toBe(of(["1"]))
    expect(of([true])).not.toBe(of(["true"]))
    expect(of(["a", "b"])).not.toBe(of(["a\"1:b"]))
    expect(of(["\ud800"])).not.toBe(of(["\ufffd"])) // a lone surrogate, which UTF-8 files cannot hold
    expect(of([0])).toBe(of([-0])) // as CSV writes them
  })

  it("keeps a digest per block of rows, ending where its writer ends them, and where a reader is told", () => {
    const written = new RowDigest()
    for (let i = 0; i < 10; i++) {
      written.addValues([i])
      if (i === 2 || i === 6) written.endBlock()
    }
    written.endBlock() // after the last row: no empty block
    const result = written.result()
    expect(result.blockRows).toEqual([3, 4, 3])
    const read = new RowDigest(result.blockRows)
    for (let i = 0; i < 10; i++) read.addValues([i])
    expect(read.result()).toEqual(result)
    const whole = new RowDigest()
    for (let i = 0; i < 10; i++) whole.addValues([i])
    const wholeResult = whole.result()
    expect(wholeResult.blocks).toHaveLength(1)
    expect(wholeResult.sha256).not.toBe(result.sha256)
  })
})

describe("reading a table file back", () => {
  const rows = seedRows(tokens)

  it("catches a CSV cell that differs from the row appended, naming the rows around it", async () => {
    const { written, path } = await writeTable(tokens, rows)
    const csv = readFileSync(path("csv"), "utf8")
    const line = csv.split("\r\n")[5]!
    writeFileSync(path("csv"), csv.replace(line, line.replace(/,(\d+),/, (_, n: string) => `,${Number(n) + 1},`)))
    expect(await verifyTableFile(tokens, "csv", path("csv"), written.digest)).toMatchObject({
      file: "csv/tokens.csv",
      row: 2,
      problem: expect.stringMatching(/^differs from the rows the pipeline produced and validated \(in rows 2–/)
    })
  })

  it("catches a missing CSV row and a wrong header", async () => {
    const { written, path } = await writeTable(tokens, rows)
    const csv = readFileSync(path("csv"), "utf8")
    writeFileSync(path("csv"), csv.replace(/\r\n[^\r\n]*\r\n$/, "\r\n"))
    expect(await verifyTableFile(tokens, "csv", path("csv"), written.digest)).toMatchObject({ problem: `has ${rows.length - 1} rows, expected ${rows.length}` })
    writeFileSync(path("csv"), csv.replace("doc_id,", "document,"))
    expect(await verifyTableFile(tokens, "csv", path("csv"), written.digest)).toMatchObject({ row: 1, problem: expect.stringMatching(/^header is document,/) })
  })

  it("catches a CSV row with a field too few, and a quote left open, naming the row", async () => {
    const { written, path } = await writeTable(tokens, rows)
    const csv = readFileSync(path("csv"), "utf8")
    const line = csv.split("\r\n")[3]!
    writeFileSync(path("csv"), csv.replace(line, line.slice(0, line.lastIndexOf(","))))
    expect(await verifyTableFile(tokens, "csv", path("csv"), written.digest)).toMatchObject({ row: 4, problem: "has 10 fields, expected 11" })
    writeFileSync(path("csv"), csv.replace(line, line.replace(",", ',"')))
    expect(await verifyTableFile(tokens, "csv", path("csv"), written.digest)).toMatchObject({ problem: expect.stringMatching(/^is not valid CSV \(/) })
  })

  it("catches Arrow and Parquet files whose rows differ from the rows appended, naming the row group", async () => {
    const { written, path } = await writeTable(tokens, rows, smallFor(rows))
    const altered = rows.map((row, index) => (index === 4100 ? { ...row, lemma: "altered" } : row))
    writeFileSync(path("arrow"), encodeArrow(tokens, altered))
    writeFileSync(path("parquet"), encodeParquet(tokens, altered))
    let first = 0
    const sizes = rowGroupSizes(tokens, rows, smallFor(rows))
    while (first + sizes[0]! <= 4100) first += sizes.shift()!
    for (const format of ["arrow", "parquet"] as const) {
      expect(await verifyTableFile(tokens, format, path(format), written.digest), format).toMatchObject({
        row: first,
        problem: `differs from the rows the pipeline produced and validated (in rows ${first}–${first + sizes[0]! - 1})`
      })
    }
  })

  it("catches a file that is not what it claims to be", async () => {
    const { written, path } = await writeTable(tokens, rows)
    writeFileSync(path("arrow"), encodeArrow(documents, seedRows(documents)))
    expect(await readArrowContent(tokens, "arrow/tokens.arrow", path("arrow"), { expected: written.digest })).toMatchObject({ problem: { problem: expect.stringMatching(/^schema is doc_id:Dictionary/) } })
    writeFileSync(path("parquet"), Buffer.from("not parquet"))
    expect(await verifyTableFile(tokens, "parquet", path("parquet"), written.digest)).toMatchObject({ problem: expect.stringMatching(/^could not be read as Parquet/) })
  })
})

// ---------------------------------------------------------------- versions

const dataset = defaultDatasetCard("stream-test")
const provenance = { inputs: [], codebooks: [], parameters: {}, software: {} }
const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : [])
const hostTag = createHash("sha256").update(hostname()).digest("hex").slice(0, 8)

describe("a version written with openVersion", () => {
  const documentRows = seedRows(documents)
  const tokenRows = seedRows(tokens)

  it("is published from rows appended a document at a time, the same files as publish of whole tables", async () => {
    const outDir = tempDir("versions")
    const streamed = await succeed(Effect.scoped(Effect.gen(function* () {
      const version = yield* openVersion({ outDir, dataset, tables: [documents, tokens] })
      for (const document of documentRows) {
        yield* version.append(documents, [document])
        yield* version.append(tokens, tokenRows.filter((row) => row.doc_id === document.doc_id))
      }
      return yield* version.finish({ provenance, figures: [] })
    })))
    expect(streamed.status).toBe("published")
    expect(entries(join(outDir, dataset.name))).toEqual([dataset.version])
    const manifest = JSON.parse(readFileSync(join(streamed.path, "manifest.json"), "utf8")) as { files: Array<{ path: string; rows?: number }> }
    expect(manifest.files.find((file) => file.path === "parquet/tokens.parquet")?.rows).toBe(tokenRows.length)

    const wholeDir = tempDir("versions")
    const whole = await succeed(publish({ outDir: wholeDir, dataset, tables: [{ table: documents, rows: documentRows }, { table: tokens, rows: tokenRows }], provenance, figures: [] }))
    expect(entries(join(streamed.path, "parquet"))).toEqual(["documents.parquet", "tokens.parquet"])
    for (const file of manifest.files.map(({ path }) => path).concat("manifest.json")) {
      expect(readFileSync(join(streamed.path, file)).equals(readFileSync(join(whole.path, file))), file).toBe(true)
    }
  })

  it("takes rows from an iterable, in chunks", async () => {
    const outDir = tempDir("versions")
    function* generated() {
      yield* tokenRows
    }
    const result = await succeed(Effect.scoped(Effect.gen(function* () {
      const version = yield* openVersion({ outDir, dataset, tables: [tokens] })
      yield* version.append(tokens, generated())
      return yield* version.finish({ provenance, figures: [] })
    })))
    expect(readFileSync(join(result.path, "csv/tokens.csv"), "utf8")).toBe(encodeCsv(tokens, tokenRows))
  })

  const failing = async (outDir: string, write: (version: Effect.Success<ReturnType<typeof openVersion>>) => Effect.Effect<unknown, PipelineError>) =>
    (await failureOf(Effect.scoped(Effect.gen(function* () {
      const version = yield* openVersion({ outDir, dataset, tables: [documents, tokens], rowGroupLimits: SMALL })
      yield* write(version)
      return yield* version.finish({ provenance, figures: [] })
    })))) as PipelineError

  it("refuses a row its schema rejects, naming table, row and column, and leaves nothing behind", async () => {
    const outDir = tempDir("versions")
    const error = await failing(outDir, (version) =>
      version.append(tokens, tokenRows.map((row, index) => (index === 3 ? { ...row, start: -1 } : row))))
    expect(error._tag).toBe("PublishError")
    expect(error.message).toMatch(/^tokens table: row 3 \(doc_id="[^"]+", index=3\) failed its schema at start: /)
    expect(entries(join(outDir, dataset.name))).toEqual([])
  })

  it("refuses rows out of the table's order", async () => {
    const outDir = tempDir("versions")
    const error = await failing(outDir, (version) => version.append(documents, [...documentRows].reverse()))
    expect(error.message).toMatch(/^documents table: row 1 .* comes before the row above it .* in the table's order \(doc_id\)/)
    expect(entries(join(outDir, dataset.name))).toEqual([])
  })

  it("is not published, and its staging folder is removed, when a file does not read back as written", async () => {
    const outDir = tempDir("versions")
    const error = (await failureOf(Effect.scoped(Effect.gen(function* () {
      const version = yield* openVersion({
        outDir,
        dataset,
        tables: [tokens],
        beforeVerify: (staging) => {
          const file = join(staging, "csv/tokens.csv")
          const bytes = readFileSync(file)
          bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 1
          writeFileSync(file, bytes)
        }
      })
      yield* version.append(tokens, tokenRows)
      return yield* version.finish({ provenance, figures: [] })
    })))) as PipelineError
    expect(error.message).toMatch(/^csv\/tokens\.csv: did not read back as written/)
    expect(entries(join(outDir, dataset.name))).toEqual([])
  })

  it("leaves no staging folder when interrupted", async () => {
    const outDir = tempDir("versions")
    const exit = await run(Effect.scoped(Effect.gen(function* () {
      const version = yield* openVersion({ outDir, dataset, tables: [tokens] })
      yield* version.append(tokens, tokenRows.slice(0, 100))
      expect(entries(join(outDir, dataset.name))).toHaveLength(1) // the staging folder, while writing
      return yield* Effect.interrupt
    })))
    expect(Exit.isFailure(exit) && exit.cause.reasons.some((reason) => reason._tag === "Interrupt")).toBe(true)
    expect(entries(join(outDir, dataset.name))).toEqual([])
  })

  it("removes staging folders of dead runs on this host, and no other", async () => {
    const outDir = tempDir("versions")
    const datasetDir = join(outDir, dataset.name)
    const child = spawnSync(process.execPath, ["-e", "0"])
    const dead = `.staging-${child.pid}-${hostTag}-1.0.0-0a0a0a0a0a0a`
    const alive = `.staging-${process.pid}-${hostTag}-1.0.0-0b0b0b0b0b0b`
    const otherHost = `.staging-${child.pid}-00000000-1.0.0-0c0c0c0c0c0c`
    const unknown = ".staging-1.0.0-xyz"
    for (const name of [dead, alive, otherHost, unknown]) mkdirSync(join(datasetDir, name), { recursive: true })
    await succeed(Effect.scoped(Effect.gen(function* () {
      const version = yield* openVersion({ outDir, dataset, tables: [documents] })
      yield* version.append(documents, documentRows)
      return yield* version.finish({ provenance, figures: [] })
    })))
    expect(entries(datasetDir)).toEqual([alive, otherHost, unknown, dataset.version].sort())
  })

  it("is finished once, and takes no rows after", async () => {
    const outDir = tempDir("versions")
    const error = (await failureOf(Effect.scoped(Effect.gen(function* () {
      const version = yield* openVersion({ outDir, dataset, tables: [documents] })
      yield* version.append(documents, documentRows)
      yield* version.finish({ provenance, figures: [] })
      yield* version.append(documents, documentRows)
    })))) as PipelineError
    expect(error.message).toMatch(/appended to after the version was finished/)
    expect(entries(join(outDir, dataset.name))).toEqual([dataset.version])
  })
})
