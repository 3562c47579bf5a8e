// Reads a written table back from each of its files, as a researcher's tools would, without holding
// the file in memory: CSV through csv-parse's stream, Arrow a record batch at a time, Parquet a row
// group at a time. Each file's rows are digested (digest.ts) and the digest must equal the one taken
// from the rows when they were appended, after validation: the file then holds exactly those rows.
import { open } from "node:fs/promises"
import { createReadStream } from "node:fs"
import * as Arrow from "apache-arrow"
import { parse } from "csv-parse"
import { parquetMetadataAsync, parquetRead } from "hyparquet"
import type { Table } from "../../schemas/table.ts"
import { expectedArrowTypes } from "./arrow.ts"
import { decodeCell } from "./csv.ts"
import { DIGEST_BLOCK_ROWS, RowDigest, type TableDigest } from "./digest.ts"
import { parquetTypes, withParquetFile } from "./parquet.ts"
import type { ReadbackProblem } from "./readback.ts"

/** What a file held: its rows' digest, or the first thing wrong with it. */
export type FileContent = { readonly digest: TableDigest } | { readonly problem: ReadbackProblem }

/** An error of the consumer of the rows read, passed through as it is. */
class Downstream extends Error {
  constructor(override readonly cause: unknown) {
    super("the consumer of the rows read failed")
  }
}

class Stop extends Error {
  constructor(readonly problem: ReadbackProblem) {
    super(problem.problem)
  }
}

const schemaProblem = (file: string, actual: ReadonlyArray<string>, wanted: ReadonlyArray<string>): ReadbackProblem | undefined =>
  actual.length === wanted.length && actual.every((entry, i) => entry === wanted[i])
    ? undefined
    : { file, problem: `schema is ${actual.join(", ")}, expected ${wanted.join(", ")}` }

/** The CSV file's header and records, cells decoded by the column kinds. `file` names it in problems. */
export const readCsvContent = async (table: Table<any>, file: string, path: string): Promise<FileContent> => {
  const digest = new RowDigest()
  const columns = table.columns.map(({ name }) => name)
  const metas = table.columns.map(({ meta }) => meta)
  const values: Array<unknown> = new Array(metas.length)
  let header = true
  try {
    await new Promise<void>((resolve, reject) => {
      const source = createReadStream(path)
      const parser = parse({ relax_column_count: false })
      const fail = (error: unknown) => {
        source.destroy()
        parser.destroy()
        reject(error)
      }
      parser.on("readable", () => {
        let cells: Array<string> | null
        while ((cells = parser.read() as Array<string> | null) !== null) {
          if (header) {
            header = false
            if (cells.length !== columns.length || cells.some((cell, i) => cell !== columns[i])) {
              return fail(new Stop({ file, row: 1, problem: `header is ${cells.join(",")}, expected ${columns.join(",")}` }))
            }
            continue
          }
          for (let i = 0; i < metas.length; i++) values[i] = decodeCell(cells[i] ?? "", metas[i]!)
          digest.addValues(values)
        }
      })
      parser.on("error", fail)
      parser.on("end", resolve)
      source.on("error", fail)
      source.pipe(parser)
    })
  } catch (error) {
    if (error instanceof Stop) return { problem: error.problem }
    return { problem: { file, problem: `is not valid CSV (${error instanceof Error ? error.message : String(error)})` } }
  }
  if (header) return { problem: { file, row: 1, problem: "has no header" } }
  return { digest: digest.result() }
}

/** The Arrow file's schema and rows, a record batch at a time. */
export const readArrowContent = async (table: Table<any>, file: string, path: string): Promise<FileContent> => {
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
    const digest = new RowDigest()
    const values: Array<unknown> = new Array(table.columns.length)
    for await (const batch of reader) {
      const vectors = table.columns.map((_, i) => batch.getChildAt(i)!)
      for (let row = 0; row < batch.numRows; row++) {
        for (let i = 0; i < vectors.length; i++) values[i] = vectors[i]!.get(row)
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
 * The Parquet file's schema and rows, a row group at a time; each group's rows (values in column
 * order) are also handed to `onRows`, in order (publish writes the Arrow file from them).
 */
export const readParquetContent = async (
  table: Table<any>,
  file: string,
  path: string,
  onRows?: (rows: ReadonlyArray<ArrayLike<unknown>>) => Promise<void>
): Promise<FileContent> => {
  try {
    return await withParquetFile(path, async (buffer): Promise<FileContent> => {
      const metadata = await parquetMetadataAsync(buffer)
      const types = parquetTypes(table)
      const describe = (name: string, type: string, nullable: boolean) => `${name}:${type}${nullable ? " OPTIONAL" : ""}`
      const problem = schemaProblem(
        file,
        metadata.schema.slice(1).map((element) =>
          describe(element.name, element.logical_type === undefined ? String(element.type) : `${element.type}/${element.logical_type.type}`, element.repetition_type !== "REQUIRED")
        ),
        table.columns.map(({ name, meta }, i) => describe(name, types[i] ?? "", meta.nullable))
      )
      if (problem !== undefined) return { problem }
      const digest = new RowDigest()
      let rowStart = 0
      for (const group of metadata.row_groups) {
        const rowEnd = rowStart + Number(group.num_rows)
        let rows: Array<ArrayLike<unknown>> = []
        await parquetRead({ file: buffer, metadata, rowStart, rowEnd, onComplete: (read: Array<ArrayLike<unknown>>) => (rows = read) })
        for (const row of rows) digest.addValues(row)
        if (onRows !== undefined) {
          try {
            await onRows(rows)
          } catch (error) {
            throw new Downstream(error)
          }
        }
        rowStart = rowEnd
      }
      return { digest: digest.result() }
    })
  } catch (error) {
    if (error instanceof Downstream) throw error.cause // not the file's fault
    return { problem: { file, problem: `could not be read as Parquet (${error instanceof Error ? error.message : String(error)})` } }
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
  const block = expected.blocks.findIndex((hash, i) => digest.blocks[i] !== hash)
  const first = Math.max(block, 0) * DIGEST_BLOCK_ROWS
  const last = Math.min(first + DIGEST_BLOCK_ROWS, expected.rows) - 1
  return {
    file,
    row: first + firstRowNumber,
    problem: `differs from the rows the pipeline produced and validated (in rows ${first + firstRowNumber}–${last + firstRowNumber})`
  }
}

export type TableFormat = "csv" | "arrow" | "parquet"

export const tableFile = (table: Table<any>, format: TableFormat): string => `${format}/${table.name}.${format}`

const readers: Record<TableFormat, (table: Table<any>, file: string, path: string) => Promise<FileContent>> = {
  csv: readCsvContent,
  arrow: readArrowContent,
  parquet: readParquetContent
}

/** Reads one of a table's files back (`path` on disk) and checks it holds the rows digested as `expected`. */
export const verifyTableFile = async (table: Table<any>, format: TableFormat, path: string, expected: TableDigest): Promise<ReadbackProblem | undefined> => {
  const file = tableFile(table, format)
  return compareContent(file, await readers[format](table, file, path), expected, format === "csv" ? 2 : 0)
}
