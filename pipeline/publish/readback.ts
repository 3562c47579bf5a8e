// Checks records read back from a table file against the table's schema and, when given, the rows meant,
// naming the first bad row and column (checkParquet uses it on a whole file in memory). Publishing reads
// its files back as streams and compares row digests instead: see verify.ts.
import { Result } from "effect"
import type { Row, Table } from "../../schemas/table.ts"
import { firstProblem } from "../../schemas/inputs/issues.ts"

export interface ReadbackProblem {
  readonly file: string
  readonly row?: number
  readonly column?: string
  readonly problem: string
}

const rowKey = (table: Table<any>, record: Record<string, unknown>): string =>
  JSON.stringify(table.columns.map(({ name }) => record[name] ?? null))

/**
 * Every record passes the table's schema and, when the rows meant are given, equals them in order.
 * `firstRowNumber` is how the format numbers its first data row (2 for CSV under its header, 0 for records).
 */
export const checkRecords = (
  table: Table<any>,
  file: string,
  records: ReadonlyArray<Record<string, unknown>>,
  expected: ReadonlyArray<Row<any>> | undefined,
  firstRowNumber: number
): ReadbackProblem | undefined => {
  for (const [index, record] of records.entries()) {
    const decoded = table.decodeRow(record)
    if (Result.isFailure(decoded)) {
      const problem = firstProblem(decoded.failure)
      return { file, row: index + firstRowNumber, column: problem.field, problem: problem.message }
    }
  }
  return expected === undefined ? undefined : compareRows(table, file, records, expected, firstRowNumber)
}

const compareRows = (
  table: Table<any>,
  file: string,
  records: ReadonlyArray<Record<string, unknown>>,
  expected: ReadonlyArray<Row<any>>,
  firstRowNumber: number
): ReadbackProblem | undefined => {
  if (records.length !== expected.length) {
    return { file, problem: `has ${records.length} rows, expected ${expected.length}` }
  }
  for (const [index, record] of records.entries()) {
    if (rowKey(table, record) !== rowKey(table, expected[index] as Record<string, unknown>)) {
      return { file, row: index + firstRowNumber, problem: "differs from the row the pipeline produced" }
    }
  }
  return undefined
}

export const describeProblem = (problem: ReadbackProblem): string =>
  `${problem.file}${problem.row === undefined ? "" : `, row ${problem.row}`}${problem.column ? `, column ${problem.column}` : ""}: ${problem.problem}`
