// Turns an Effect schema failure into the first problem a person should fix: which field, and what was expected.
import { SchemaIssue, type Schema } from "effect"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

export interface FieldProblem {
  readonly field: string
  readonly message: string
}

export const fieldProblems = (error: Schema.SchemaError): ReadonlyArray<FieldProblem> =>
  formatter(error.issue).issues.map((issue) => ({
    field: (issue.path ?? []).map((key) => (typeof key === "object" && key !== null ? String(key.key) : String(key))).join("."),
    message: issue.message
  }))

export const firstProblem = (error: Schema.SchemaError): FieldProblem =>
  fieldProblems(error)[0] ?? { field: "", message: error.message }
