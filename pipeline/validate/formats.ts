// Steps 4 and 5: the other formats a table is published in (Arrow, Parquet), each read as records and
// checked against the table's schema and against the table's CSV file. One entry per format in
// `formatChecks`; a new format is one more reader.
import { Result } from "effect"
import type { Table } from "../../schemas/table.ts"
import { readArrow } from "./arrow.ts"
import type { CsvSummary } from "./csv.ts"
import { readParquet } from "./parquet.ts"
import type { Problem } from "./problems.ts"
import { columnsDiffer, rowDigest, schemaProblems, type Values } from "./rows.ts"

export interface FormatInput {
  readonly table: Table<any>
  /** The file's path in the version folder, e.g. arrow/tokens.arrow, for messages. */
  readonly file: string
  readonly bytes: Uint8Array
  /** The table's CSV file, already checked: what the other formats must equal. */
  readonly csv: CsvSummary
}

export interface FormatCheck {
  /** The format's folder and file extension: "arrow" for arrow/<table>.arrow. */
  readonly format: string
  /** Required formats must exist for every table; the others are checked where the manifest lists them. */
  readonly required: boolean
  readonly check: (input: FormatInput, report: (problem: Problem) => void) => Promise<void>
}

/** A table file as a reader of its format sees it. */
export interface TableContent {
  readonly fields: ReadonlyArray<{ readonly name: string; readonly type: string; readonly nullable: boolean }>
  /** The type each of the table's columns has in this format, in column order, as `fields` name types. */
  readonly expectedTypes: ReadonlyArray<string>
  readonly rows: number
  /** The records in order, each with every column (null where missing). */
  readonly records: Iterable<Values>
}

/** Reads a table file; throws when the bytes are not of the format. */
export type TableReader = (table: Table<any>, bytes: Uint8Array) => Promise<TableContent>

/** Column names, types and nullability against the schema's; true when the records can be read as the table's. */
const checkFields = (table: Table<any>, content: TableContent, report: (column: string | undefined, problem: string) => void): boolean => {
  const differs = columnsDiffer(content.fields.map((field) => field.name), table.columns.map(({ name }) => name))
  if (differs !== undefined) {
    report(undefined, differs)
    return false
  }
  content.fields.forEach((field, index) => {
    const expected = content.expectedTypes[index]
    const { nullable } = table.columns[index]!.meta
    if (field.type !== expected) report(field.name, `type is ${field.type}, expected ${expected}`)
    if (field.nullable !== nullable) report(field.name, nullable ? "is not nullable, expected nullable" : "is nullable, expected not")
  })
  return true
}

/** A format check from a reader: fields as derived, every record valid, and the same rows as the CSV file (by digest). */
export const recordsCheck = (format: string, required: boolean, label: string, read: TableReader): FormatCheck => ({
  format,
  required,
  check: async ({ table, file, bytes, csv }, report) => {
    let content: TableContent
    try {
      content = await read(table, bytes)
    } catch (error) {
      return report({ file, problem: `is not a readable ${label} file (${(error as Error).message})` })
    }
    if (!checkFields(table, content, (column, problem) => report({ file, column, problem }))) return
    const digests = content.rows === csv.rows ? csv.digests : undefined
    if (csv.digests !== undefined && digests === undefined) report({ file, problem: `has ${content.rows} records, ${csv.file} has ${csv.rows} rows` })
    let index = 0
    for (const record of content.records) {
      const at = `record ${index}`
      const decoded = table.decodeRow(record)
      if (Result.isFailure(decoded)) {
        for (const { field, message } of schemaProblems(decoded.failure, record)) report({ file, at, column: field, problem: message })
      } else if (digests !== undefined && digests[index] !== rowDigest(table, record)) {
        report({ file, at, problem: `differs from ${csv.file} row ${index + 2}` })
      }
      index += 1
    }
  }
})

export const formatChecks: ReadonlyArray<FormatCheck> = [
  recordsCheck("arrow", true, "Arrow IPC", readArrow),
  recordsCheck("parquet", false, "Parquet", readParquet)
]
