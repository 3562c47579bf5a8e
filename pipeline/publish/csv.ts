// CSV as RFC 4180: UTF-8, a header row, CRLF record ends, fields quoted only where needed.
// Missing values are empty fields; booleans are true/false.
import { stringify } from "csv-stringify/sync"
import { parse } from "csv-parse/sync"
import type { ColumnMeta, Row, Table } from "../../schemas/table.ts"

const encodeCell = (value: unknown): string => {
  if (value === null || value === undefined) return ""
  if (typeof value === "boolean") return value ? "true" : "false"
  return String(value)
}

export const encodeCsv = <T extends Table<any>>(table: T, rows: ReadonlyArray<Row<T>>): string =>
  stringify(
    rows.map((row) => table.columns.map(({ name }) => encodeCell((row as Record<string, unknown>)[name]))),
    { header: true, columns: table.columns.map(({ name }) => name), record_delimiter: "\r\n", quoted_match: /^\s|\s$/ }
  )

const decodeCell = (cell: string, meta: ColumnMeta): unknown => {
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
