// A table's CSV or Arrow file read back, as a researcher's tools would, without holding the file in
// memory: CSV through PapaParse's stream (3.5 times as fast as csv-parse's on these tables), Arrow a
// record batch at a time. The file's rows are digested (digest.ts) and the digest must equal the one
// taken from the rows when they were appended, after validation: the file then holds exactly those
// rows. Read in worker threads too (readback-job.ts), this module imports neither Effect nor the
// Parquet writer, which would slow each worker's start.
import { open } from "node:fs/promises"
import { createReadStream } from "node:fs"
import { Readable } from "node:stream"
import * as Arrow from "apache-arrow"
import Papa from "papaparse"
import type { TableLayout } from "./layout.ts"
import { expectedArrowTypes } from "./arrow.ts"
import { decodeCell } from "./csv.ts"
import { RowDigest, type TableDigest } from "./digest.ts"
import type { ReadbackProblem } from "./readback.ts"

/** What a file held: its rows' digest, or the first thing wrong with it. */
export type FileContent = { readonly digest: TableDigest } | { readonly problem: ReadbackProblem }

export const schemaProblem = (file: string, actual: ReadonlyArray<string>, wanted: ReadonlyArray<string>): ReadbackProblem | undefined =>
  actual.length === wanted.length && actual.every((entry, i) => entry === wanted[i])
    ? undefined
    : { file, problem: `schema is ${actual.join(", ")}, expected ${wanted.join(", ")}` }

/** Bytes read from a file at a time: few stream events, little memory. */
const READ_CHUNK_BYTES = 1 << 18

/**
 * A row group of a table file taken as it was from the table's previous files (group-reuse.ts): its
 * rows are not read back (they were when first published, and its bytes are checked with the file's
 * SHA-256), and its digest block is the one expected.
 */
export interface TakenGroup {
  /** The group's place among the file's row groups (and the digest's blocks). */
  readonly index: number
  /** Its CSV records' bytes in the CSV file: from `csv[0]` to before `csv[1]`. */
  readonly csv: readonly [number, number]
}

/** What a file is read back against: the digest's blocks, and the row groups taken, in order. */
export interface ReadbackPlan {
  readonly expected: Pick<TableDigest, "blockRows" | "blocks">
  readonly taken?: ReadonlyArray<TakenGroup> | undefined
}

/** The CSV file's text but the taken groups' records (whole records: what is left is CSV still). */
const csvText = (path: string, taken: ReadonlyArray<TakenGroup>): Readable => {
  if (taken.length === 0) return createReadStream(path, { encoding: "utf8", highWaterMark: READ_CHUNK_BYTES })
  async function* spans() {
    let from = 0
    for (const { csv: [start, end] } of taken) {
      if (start > from) yield* createReadStream(path, { encoding: "utf8", highWaterMark: READ_CHUNK_BYTES, start: from, end: start - 1 })
      from = end
    }
    yield* createReadStream(path, { encoding: "utf8", highWaterMark: READ_CHUNK_BYTES, start: from })
  }
  return Readable.from(spans(), { objectMode: false, encoding: "utf8" })
}

/**
 * The CSV file's header and records, cells decoded by the column kinds, digested in blocks of
 * `blockRows` (those of the digest it is to be compared with). `file` names it in problems.
 */
export const readCsvContent = async (table: TableLayout, file: string, path: string, { expected, taken = [] }: ReadbackPlan): Promise<FileContent> => {
  const digest = RowDigest.reading(expected, taken)
  const columns = table.columns.map(({ name }) => name)
  const metas = table.columns.map(({ meta }) => meta)
  const values: Array<unknown> = new Array(metas.length)
  let row = 0 // as a spreadsheet numbers them: the header is row 1
  let stopped: ReadbackProblem | undefined
  const source = csvText(path, taken)
  const stop = (problem: ReadbackProblem, parser: Papa.Parser) => {
    stopped = problem
    parser.abort()
    source.destroy() // the file is not read to its end
  }
  try {
    await new Promise<void>((resolve, reject) => {
      Papa.parse<Array<string>>(source, {
        delimiter: ",",
        newline: "\r\n",
        quoteChar: '"',
        escapeChar: '"',
        step: ({ data: cells, errors }, parser) => {
          row = row === 0 ? 1 : digest.rows + 2 // the taken groups' records counted, though not read
          const error = errors[0]
          if (error !== undefined) return stop({ file, row, problem: `is not valid CSV (${error.message})` }, parser)
          if (row === 1) {
            if (cells.length !== columns.length || cells.some((cell, i) => cell !== columns[i])) {
              stop({ file, row, problem: `header is ${cells.join(",")}, expected ${columns.join(",")}` }, parser)
            }
            return
          }
          if (cells.length !== columns.length) return stop({ file, row, problem: `has ${cells.length} fields, expected ${columns.length}` }, parser)
          for (let i = 0; i < metas.length; i++) values[i] = decodeCell(cells[i]!, metas[i]!)
          digest.addValues(values)
        },
        complete: () => resolve(),
        error: reject
      })
    })
  } catch (error) {
    return { problem: { file, problem: `could not be read (${error instanceof Error ? error.message : String(error)})` } }
  }
  if (stopped !== undefined) return { problem: stopped }
  if (row === 0) return { problem: { file, row: 1, problem: "has no header" } }
  return { digest: digest.result() }
}

/** Dictionaries of at most this many values are decoded whole, once; larger ones a batch's values at a time. */
const DECODED_WHOLE = 1 << 16

/** A small dictionary's values, decoded once for all the indices that point into it. */
const dictionaryValues = new WeakMap<Arrow.Vector, ReadonlyArray<unknown>>()

const decodedDictionary = (dictionary: Arrow.Vector): ReadonlyArray<unknown> => {
  let values = dictionaryValues.get(dictionary)
  if (values === undefined) {
    values = [...dictionary]
    dictionaryValues.set(dictionary, values)
  }
  return values
}

/**
 * A large dictionary's slots, one per value, holding a value only while a batch that uses it is read:
 * a dictionary with a value per row group's sentence (sentence_id) would otherwise be held decoded
 * whole, a string per sentence of the corpus, while the file is read back.
 */
const dictionarySlots = new WeakMap<Arrow.Vector, Array<unknown>>()

/** A dictionary column's values by row. */
const dictionaryColumn = (data: Arrow.Data): Array<unknown> => {
  const dictionary = data.dictionary!
  const indices = data.values as Int32Array
  const values = new Array<unknown>(data.length)
  const hasNulls = data.nullCount > 0
  if (dictionary.length <= DECODED_WHOLE) {
    const decoded = decodedDictionary(dictionary)
    for (let row = 0; row < data.length; row++) values[row] = !hasNulls || data.getValid(row) ? decoded[indices[row]!] : null
    return values
  }
  let slots = dictionarySlots.get(dictionary)
  if (slots === undefined) {
    slots = new Array<unknown>(dictionary.length).fill(undefined)
    dictionarySlots.set(dictionary, slots)
  }
  const used: Array<number> = []
  for (let row = 0; row < data.length; row++) {
    if (hasNulls && !data.getValid(row)) {
      values[row] = null
      continue
    }
    const index = indices[row]!
    let value = slots[index]
    if (value === undefined) {
      value = dictionary.get(index)
      slots[index] = value
      used.push(index)
    }
    values[row] = value
  }
  for (const index of used) slots[index] = undefined
  return values
}

/**
 * A record batch's column, its values by row, as apache-arrow reads them: numbers without nulls as the
 * typed array they are stored in, a dictionary column through its dictionary (each value decoded once
 * for the batch, or once for the file when the dictionary is small), the others value by value.
 */
const columnValues = (vector: Arrow.Vector): ArrayLike<unknown> => {
  if (vector.data.length !== 1) return [...vector]
  const data = vector.data[0]!
  if (Arrow.DataType.isDictionary(vector.type)) return dictionaryColumn(data)
  if ((Arrow.DataType.isInt(vector.type) || Arrow.DataType.isFloat(vector.type)) && vector.nullCount === 0) return vector.toArray()
  return [...vector]
}

/** The Arrow file's schema and rows, a record batch at a time (but the taken groups'), digested in blocks. */
export const readArrowContent = async (table: TableLayout, file: string, path: string, { expected, taken = [] }: ReadbackPlan): Promise<FileContent> => {
  const handle = await open(path, "r")
  try {
    const reader = await Arrow.RecordBatchReader.from(handle)
    await reader.open()
    if (!reader.isFile()) return { problem: { file, problem: "is not in the Arrow IPC file format" } }
    const types = expectedArrowTypes(table)
    const problem = schemaProblem(
      file,
      reader.schema.fields.map((field) => `${field.name}:${String(field.type)}`),
      table.columns.map(({ name }, i) => `${name}:${types[i]}`)
    )
    if (problem !== undefined) return { problem }
    const digest = RowDigest.reading(expected, taken)
    const values: Array<unknown> = new Array(table.columns.length)
    const skipped = new Set(taken.map(({ index }) => index))
    for (let index = 0; index < reader.numRecordBatches; index++) {
      if (skipped.has(index)) continue
      const batch = await reader.readRecordBatch(index)
      if (batch === null) return { problem: { file, problem: `has no record batch ${index}` } }
      const columns = table.columns.map((_, i) => columnValues(batch.getChildAt(i)!))
      for (let row = 0; row < batch.numRows; row++) {
        for (let i = 0; i < columns.length; i++) values[i] = columns[i]![row]
        digest.addValues(values)
      }
    }
    return { digest: digest.result() }
  } catch (error) {
    return { problem: { file, problem: `could not be read as Arrow (${error instanceof Error ? error.message : String(error)})` } }
  } finally {
    await handle.close()
  }
}

/**
 * Compares what a file held with the rows appended. `firstRowNumber` is how the format numbers its
 * first data row (2 for CSV under its header, 0 for records), to name where the first difference lies.
 */
export const compareContent = (file: string, content: FileContent, expected: TableDigest, firstRowNumber: number): ReadbackProblem | undefined => {
  if ("problem" in content) return content.problem
  const { digest } = content
  if (digest.rows !== expected.rows) return { file, problem: `has ${digest.rows} rows, expected ${expected.rows}` }
  if (digest.sha256 === expected.sha256) return undefined
  const block = Math.max(0, expected.blocks.findIndex((hash, i) => digest.blocks[i] !== hash))
  const first = expected.blockRows.slice(0, block).reduce((sum, rows) => sum + rows, 0)
  const last = first + (expected.blockRows[block] ?? 0) - 1
  return {
    file,
    row: first + firstRowNumber,
    problem: `differs from the rows the pipeline produced and validated (in rows ${first + firstRowNumber}–${last + firstRowNumber})`
  }
}

export const TABLE_FORMATS = ["csv", "arrow", "parquet"] as const
export type TableFormat = (typeof TABLE_FORMATS)[number]

/** How the format numbers its first data row: 2 for CSV, under its header; 0 for records. */
export const firstRowNumber = (format: TableFormat): number => (format === "csv" ? 2 : 0)

export const tableFile = (table: Pick<TableLayout, "name">, format: TableFormat): string => `${format}/${table.name}.${format}`

