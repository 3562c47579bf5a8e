// sources.csv, the manifest: one row per document. Only doc_id and file are required columns.
import { Schema } from "effect"

export const DocId = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    message: "must be letters, digits, '.', '_' or '-', starting with a letter or digit"
  })
)

const isCalendarDate = (value: string): boolean => {
  const [year, month, day] = value.split("-").map(Number)
  if (month === undefined || month < 1 || month > 12) return false
  if (day === undefined) return true
  const date = new Date(Date.UTC(year!, month - 1, day))
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

export const PublishedDate = Schema.String.check(
  Schema.isPattern(/^\d{4}-\d{2}(-\d{2})?$/, { message: "must be an ISO 8601 date (YYYY-MM-DD) or year-month (YYYY-MM)" }),
  Schema.makeFilter((value: string) => isCalendarDate(value), { message: "is not a real calendar date" })
)

export const genres = ["news", "opinion", "blog", "analysis", "commentary"] as const

const Optional = <S extends Schema.Top>(schema: S) => Schema.NullOr(schema)

/** A row after empty cells have become null. */
export const SourceRow = Schema.Struct({
  doc_id: DocId,
  file: Schema.NonEmptyString,
  outlet_id: Optional(Schema.NonEmptyString),
  camp: Optional(Schema.NonEmptyString),
  title: Optional(Schema.String),
  author: Optional(Schema.String),
  published: Optional(PublishedDate),
  url: Optional(Schema.String),
  genre: Optional(Schema.Literals(genres)),
  language: Optional(Schema.String.check(Schema.isPattern(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, { message: "must be a BCP 47 language code such as en or en-GB" }))),
  notes: Optional(Schema.String)
})
export type SourceRow = typeof SourceRow.Type

export const sourceColumns = Object.keys(SourceRow.fields) as ReadonlyArray<keyof SourceRow>
export const requiredSourceColumns = ["doc_id", "file"] as const
