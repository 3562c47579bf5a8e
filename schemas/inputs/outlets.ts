// outlets.csv, the outlet registry: one row per outlet. Optional; without it every outlet is unknown.
import { Schema } from "effect"

export const OutletRow = Schema.Struct({
  outlet_id: Schema.String.check(
    Schema.isPattern(/^[a-z0-9][a-z0-9._-]*$/, { message: "must be lower-case letters, digits, '.', '_' or '-'" })
  ),
  name: Schema.NonEmptyString,
  country: Schema.NullOr(Schema.String.check(Schema.isPattern(/^[A-Z]{2}$/, { message: "must be an ISO 3166-1 alpha-2 code such as UA" }))),
  type: Schema.NullOr(Schema.String),
  camp: Schema.NullOr(Schema.NonEmptyString),
  url: Schema.NullOr(Schema.String),
  /** Literal phrases that identify the outlet in a raw text (a disclaimer, a signature), separated by " | ". */
  cues: Schema.NullOr(Schema.String),
  notes: Schema.NullOr(Schema.String)
})
export type OutletRow = typeof OutletRow.Type

export const outletColumns = Object.keys(OutletRow.fields) as ReadonlyArray<keyof OutletRow>
export const requiredOutletColumns = ["outlet_id", "name"] as const

export const cuesOf = (outlet: OutletRow): ReadonlyArray<string> =>
  (outlet.cues ?? "").split(" | ").map((cue) => cue.trim()).filter((cue) => cue.length > 0)
