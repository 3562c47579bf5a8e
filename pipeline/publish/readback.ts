// Reads a written table back from its files and checks it against its schema and the rows meant:
// the check publish runs before a version becomes visible.
import { Result } from "effect"
import type { Row, Table } from "../../schemas/table.ts"
import { firstProblem } from "../../schemas/inputs/issues.ts"
import { decodeArrow, expectedArrowTypes } from "./arrow.ts"
import { decodeCsv } from "./csv.ts"

export interface ReadbackProblem {
  readonly file: string
  readonly row?: number
  readonly column?: string
  readonly problem: string
}

const rowKey = (table: Table<any>, record: Record<string, unknown>): string =>
  JSON.stringify(table.columns.map(({ name }) => record[name] ?? null))

/** Validates every CSV record against the schema; returns the first problem, naming row and column. */
export const checkCsv = (table: Table<any>, file: string, text: string, expected?: ReadonlyArray<Row<any>>): ReadbackProblem | undefined => {
  const { header, records } = decodeCsv(table, text)
  const columns = table.columns.map(({ name }) => name)
  if (JSON.stringify(header) !== JSON.stringify(columns)) {
    return { file, row: 1, problem: `header is ${header.join(",")}, expected ${columns.join(",")}` }
  }
  return checkRecords(table, file, records, expected, 2)
}

export const checkArrow = (table: Table<any>, file: string, bytes: Uint8Array, expected?: ReadonlyArray<Row<any>>): ReadbackProblem | undefined => {
  const { fields, records } = decodeArrow(bytes)
  const types = expectedArrowTypes(table)
  const columns = table.columns.map(({ name }) => name)
  const actual = fields.map((field) => `${field.name}:${field.type}`)
  const wanted = columns.map((name, i) => `${name}:${types[i]}`)
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
    return { file, problem: `schema is ${actual.join(", ")}, expected ${wanted.join(", ")}` }
  }
  return checkRecords(table, file, records, expected, 0)
}

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
