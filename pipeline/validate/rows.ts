// Rows as values: a CSV record decoded by its columns' kinds, a key of some columns, a digest of a whole row.
import { hash } from "node:crypto"
import type { Schema } from "effect"
import type { ColumnMeta, Table } from "../../schemas/table.ts"
import { type FieldProblem, fieldProblems } from "../../schemas/inputs/issues.ts"
import { type Problem, quote } from "./problems.ts"

/** A row of any table, before or after validation. */
export type Values = Readonly<Record<string, unknown>>

// As publish/csv.ts decodes a cell (its decodeCell is not exported), but stricter: a number must be written
// exactly as the pipeline writes it (String(value)), else the cell stays a string and the schema names it.
const decodeCell = (cell: string, meta: ColumnMeta): unknown => {
  if (cell === "" && meta.nullable) return null
  switch (meta.kind) {
    case "integer":
    case "number": {
      const value = Number(cell)
      return cell !== "" && String(value) === cell ? value : cell
    }
    case "boolean":
      return cell === "true" ? true : cell === "false" ? false : cell
    default:
      return cell
  }
}

/** The cells of one CSV record, in the table's column order, as the values they stand for (still unvalidated). */
export const decodeRecord = (table: Table<any>, cells: ReadonlyArray<string>): Values => {
  const values: Record<string, unknown> = {}
  for (const [index, { name, meta }] of table.columns.entries()) values[name] = decodeCell(cells[index] ?? "", meta)
  return values
}

/** How a file's column names differ from the table's: the columns it lacks, those it adds, or their order. */
export const columnsDiffer = (actual: ReadonlyArray<string>, expected: ReadonlyArray<string>): string | undefined => {
  if (JSON.stringify(actual) === JSON.stringify(expected)) return undefined
  const lacking = expected.filter((column) => !actual.includes(column))
  const extra = actual.filter((column) => !expected.includes(column))
  const differences = [
    ...(lacking.length > 0 ? [`lacks ${lacking.join(", ")}`] : []),
    ...(extra.length > 0 ? [`has ${extra.join(", ")}, which the table does not declare`] : [])
  ]
  return differences.length > 0 ? differences.join(" and ") : `has the columns in another order (expected ${expected.join(", ")})`
}

/** The values of some columns as one string, for sets and maps of keys. */
export const keyOf = (row: Values, columns: ReadonlyArray<string>): string =>
  columns.length === 1 ? String(row[columns[0]!]) : JSON.stringify(columns.map((column) => row[column] ?? null))

/**
 * 48 bits of the SHA-1 of the row's values in column order: enough to tell whether two files hold the same
 * rows without keeping either in memory.
 */
export const rowDigest = (table: Table<any>, row: Values): number =>
  Number.parseInt(hash("sha1", JSON.stringify(table.columns.map(({ name }) => row[name] ?? null))).slice(0, 12), 16)

export type Report = (column: Problem["column"], problem: string) => void

/** Sees each valid row of one table in file order, `at` naming it ("row 5"), and reports what is wrong with it. */
export type RowVisitor = (row: Values, at: string, report: Report) => void

/**
 * The schema's problems with a row, each with the value at fault. Effect reports the input only when asked
 * (parse option reportInput), which decodeRow does not do; vitest runs show it anyway, tsx runs do not.
 */
export const schemaProblems = (error: Schema.SchemaError, row: Values): ReadonlyArray<FieldProblem> =>
  fieldProblems(error).map(({ field, message }) => ({
    field,
    message: message.includes(", got ") || !(field in row) ? message : `${message}, got ${quote(row[field])}`
  }))
