// CSV as RFC 4180: UTF-8, a header row, CRLF record ends, fields quoted only where needed.
// Missing values are empty fields; booleans are true/false.
import { stringify } from "csv-stringify/sync"
import { parse } from "csv-parse/sync"
import type { ColumnMeta, Row, Table } from "../../schemas/table.ts"
import type { FileSink, WrittenFile } from "./sink.ts"

const encodeCell = (value: unknown): string => {
  if (value === null || value === undefined) return ""
  if (typeof value === "boolean") return value ? "true" : "false"
  return String(value)
}

/** Fields quoted although the CSV rules do not need it: leading or trailing white space, kept visible. */
const QUOTED_MATCH = /^\s|\s$/

const stringifyRows = <T extends Table<any>>(table: T, rows: ReadonlyArray<Row<T>>, header: boolean): string =>
  stringify(
    rows.map((row) => table.columns.map(({ name }) => encodeCell((row as Record<string, unknown>)[name]))),
    { header, columns: table.columns.map(({ name }) => name), record_delimiter: "\r\n", quote_record_delimiter: true, quoted_match: QUOTED_MATCH }
  )

/** The whole table as one CSV text. */
export const encodeCsv = <T extends Table<any>>(table: T, rows: ReadonlyArray<Row<T>>): string => stringifyRows(table, rows, true)

// Written in chunks, the rows are encoded by hand rather than by csv-stringify (six times slower per
// row, the largest cost of publishing): the same rules as csv-stringify with the options above, and
// test/publish-stream.test.ts checks the bytes are identical to encodeCsv's, table by table and on
// random text. Every published CSV file is also read back with csv-parse before it is published.
/** csv-stringify quotes a field holding the delimiter, the quote or a line break, or matching quoted_match. */
const NEEDS_QUOTES = new RegExp(`[",\\r\\n]|${QUOTED_MATCH.source}`)

const csvField = (value: unknown): string => {
  if (typeof value === "number") return String(value) // never a delimiter, quote, line break or white space
  const text = encodeCell(value)
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

const csvLine = (cells: ReadonlyArray<string>): string => `${cells.map(csvField).join(",")}\r\n`

/** The header line: the first chunk of a CSV file written in chunks. */
export const csvHeader = (table: Table<any>): string => csvLine(table.columns.map(({ name }) => name))

/**
 * Rows as CSV records, without the header. Every record ends with its CRLF, so the header followed by
 * the records of consecutive chunks is the same text as encodeCsv of all the rows.
 */
export const csvRecords = <T extends Table<any>>(table: T, rows: ReadonlyArray<Row<T>>): string => {
  const names = table.columns.map(({ name }) => name)
  const last = names.length - 1
  let text = ""
  for (const row of rows) {
    const record = row as Record<string, unknown>
    let line = ""
    for (let i = 0; i < last; i++) line += `${csvField(record[names[i]!])},`
    text += `${line}${csvField(record[names[last]!])}\r\n`
  }
  return text
}

/** A table's CSV file written a chunk of rows at a time: the same bytes as encodeCsv of all of them. */
export class CsvTableWriter<T extends Table<any>> {
  constructor(private readonly table: T, private readonly sink: FileSink) {
    sink.write(csvHeader(table))
  }

  append(rows: ReadonlyArray<Row<T>>): void {
    this.sink.write(csvRecords(this.table, rows))
  }

  /** CSV records encoded before, as their bytes. */
  appendEncoded(bytes: Uint8Array): void {
    this.sink.write(bytes)
  }

  /** Bytes written so far, the header included. */
  get written(): number {
    return this.sink.written
  }

  close(): WrittenFile {
    return this.sink.close()
  }

  abandon(): void {
    this.sink.abandon()
  }
}

export const decodeCell = (cell: string, meta: ColumnMeta): unknown => {
  if (cell === "" && meta.nullable) return null
  switch (meta.kind) {
    case "integer":
    case "number":
      return cell === "" ? Number.NaN : Number(cell)
    case "boolean":
      return cell === "true" ? true : cell === "false" ? false : cell
    default:
      return cell
  }
}

export interface CsvContent {
  readonly header: ReadonlyArray<string>
  /** Cells decoded to the column's JavaScript type, still unvalidated. */
  readonly records: ReadonlyArray<Record<string, unknown>>
}

/** Parses a published CSV back into values, by the table's column kinds. */
export const decodeCsv = (table: Table<any>, text: string): CsvContent => {
  const [header = [], ...body] = parse(text, { relax_column_count: false }) as Array<Array<string>>
  const metaByName = new Map(table.columns.map(({ name, meta }) => [name, meta]))
  const records = body.map((cells) =>
    Object.fromEntries(header.map((name, i) => {
      const meta = metaByName.get(name)
      const cell = cells[i] ?? ""
      return [name, meta === undefined ? cell : decodeCell(cell, meta)]
    }))
  )
  return { header, records }
}
