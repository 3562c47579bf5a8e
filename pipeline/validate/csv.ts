// Step 3: one CSV table, streamed: header, every row against the schema, primary key, declared order, and
// whatever the cross-table checks want to see of each row.
import { createReadStream } from "node:fs"
import { parse } from "csv-parse"
import { Result } from "effect"
import { compareRows, type Table } from "../../schemas/table.ts"
import type { Problems } from "./problems.ts"
import type { TableVisitors } from "./keys.ts"
import { columnsDiffer, decodeRecord, keyOf, type RowVisitor, rowDigest, schemaProblems, type Values } from "./rows.ts"

export interface CsvSummary {
  readonly file: string
  /** Data rows read (the header not counted). */
  readonly rows: number
  /** One rowDigest per data row, for comparing other formats; undefined when the file could not be read as the table. */
  readonly digests: ReadonlyArray<number> | undefined
}

const sameColumns = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean =>
  a.length === b.length && a.every((column) => b.includes(column))

/**
 * Primary key unique, rows in the declared order. When the order is by the key's own columns a duplicate
 * must be the previous row, so no set of keys is kept (tokens can run to millions of rows).
 */
export const keyAndOrder = (table: Table<any>): RowVisitor => {
  const compare = compareRows(table)
  const orderIsKey = sameColumns(table.orderedBy, table.primaryKey)
  const firstSeen = new Map<string, string>()
  let previous: { readonly row: Values; readonly at: string } | undefined
  return (row, at, report) => {
    const order = previous === undefined ? -1 : compare(previous.row, row)
    if (order > 0) report(table.orderedBy, `is out of order: it must come before ${previous!.at} (rows are ordered by ${table.orderedBy.join(", ")})`)
    if (orderIsKey) {
      if (order === 0) report(table.primaryKey, `repeats the primary key of ${previous!.at}`)
    } else {
      const key = keyOf(row, table.primaryKey)
      const first = firstSeen.get(key)
      if (first === undefined) firstSeen.set(key, at)
      else report(table.primaryKey, `repeats the primary key of ${first}`)
    }
    previous = { row, at }
  }
}

/** Checks csv/<table>.csv at `path`, row by row, without holding the table in memory. */
export const checkCsvTable = async (
  table: Table<any>,
  file: string,
  path: string,
  visitors: TableVisitors,
  problems: Problems
): Promise<CsvSummary> => {
  const columns = table.columns.map(({ name }) => name)
  const checks = [keyAndOrder(table), ...visitors.check]
  const digests: Array<number> = []
  let rowNumber = 0 // as a spreadsheet shows it: the header is row 1
  try {
    const records = createReadStream(path).pipe(parse({ relax_column_count: true })) as AsyncIterable<Array<string>>
    for await (const cells of records) {
      rowNumber += 1
      const at = `row ${rowNumber}`
      if (rowNumber === 1) {
        const differs = columnsDiffer(cells, columns)
        if (differs === undefined) continue
        problems.add({ file, at, problem: `header ${differs}` })
        return { file, rows: 0, digests: undefined }
      }
      const report = (column: string | ReadonlyArray<string> | undefined, problem: string) => problems.add({ file, at, column, problem })
      if (cells.length !== columns.length) {
        report(undefined, `has ${cells.length} fields, expected ${columns.length}`)
        digests.push(Number.NaN)
        continue
      }
      const values = decodeRecord(table, cells)
      digests.push(rowDigest(table, values))
      for (const collect of visitors.collect) collect(values, at, report)
      const decoded = table.decodeRow(values)
      if (Result.isFailure(decoded)) {
        for (const { field, message } of schemaProblems(decoded.failure, values)) report(field, message)
        continue
      }
      for (const check of checks) check(decoded.success as Values, at, report)
    }
  } catch (error) {
    problems.add({ file, at: `row ${rowNumber + 1}`, problem: `is not valid CSV (${(error as Error).message})` })
    return { file, rows: Math.max(rowNumber - 1, 0), digests: undefined }
  }
  if (rowNumber === 0) problems.add({ file, problem: "is empty: expected at least the header row" })
  return { file, rows: Math.max(rowNumber - 1, 0), digests: rowNumber === 0 ? undefined : digests }
}
