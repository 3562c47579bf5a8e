// raw/codebooks/gazetteer.yaml: the researcher-editable entity gazetteer of the annotate stage.
// The file's own comments explain each field to researchers; this schema is what it is checked
// against, plus the rules a schema cannot see (unique ids, a variant names one entity only).
import { Effect, Result, Schema } from "effect"
import { LineCounter, parseDocument, type Document } from "yaml"
import { InputError } from "../../pipeline/errors.ts"
import type { entityTypes } from "../entities.ts"
import { SemVer } from "./dataset.ts"
import { firstProblem } from "./issues.ts"

/** The named types a gazetteer entity can take; the other entity types are wink-nlp's built-ins. */
export const gazetteerTypes = ["PERSON", "ORG", "GPE", "MEDIA", "EVENT"] as const satisfies ReadonlyArray<
  (typeof entityTypes)[number]
>
export const caseModes = ["sensitive", "insensitive"] as const

const CaseMode = Schema.Literals(caseModes)

/** A variant is a plain string, or `{ text, case }` when it needs its own case rule. */
const Variant = Schema.Union([Schema.NonEmptyString, Schema.Struct({ text: Schema.NonEmptyString, case: CaseMode })])

export const GazetteerEntity = Schema.Struct({
  id: Schema.String.check(
    Schema.isPattern(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: "must be lower-case letters and digits joined by hyphens, such as vladimir-putin" })
  ),
  name: Schema.NonEmptyString,
  type: Schema.Literals(gazetteerTypes),
  wikidata: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^Q[1-9]\d*$/, { message: "must be a Wikidata item id such as Q1899" }))),
  case: Schema.optionalKey(CaseMode),
  variants: Schema.optionalKey(Schema.Array(Variant)),
  note: Schema.optionalKey(Schema.String)
})
export type GazetteerEntity = typeof GazetteerEntity.Type

export const Gazetteer = Schema.Struct({
  version: SemVer,
  description: Schema.optionalKey(Schema.String),
  entities: Schema.Array(GazetteerEntity)
})
export type Gazetteer = typeof Gazetteer.Type
export type CaseMode = typeof CaseMode.Type

export interface NamedVariant {
  readonly text: string
  readonly case: CaseMode
}

/** Every string that names an entity: its canonical name first, then its variants, each with its case rule. */
export const entityVariants = (entity: GazetteerEntity): ReadonlyArray<NamedVariant> => {
  const entityCase = entity.case ?? "sensitive"
  const variants = (entity.variants ?? []).map((variant) => (typeof variant === "string" ? { text: variant, case: entityCase } : variant))
  return [{ text: entity.name, case: entityCase }, ...variants]
}

/** Two variants clash when they could name the same words: compared ignoring case, apostrophe and dash style, and spacing. */
export const variantKey = (text: string): string =>
  text.normalize("NFC").replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[\u2010-\u2015]/g, "-").replace(/\s+/g, " ").trim().toLowerCase()

// ---------------------------------------------------------------- what is wrong, and its fix

interface Problem {
  /** Path into the YAML document: ["entities", 3, "type"]. */
  readonly path: ReadonlyArray<string | number>
  readonly problem: string
  readonly fix: string
}

const fieldFixes: Record<string, string> = {
  version: "Write the codebook version as a semantic version such as 1.0.0, and raise it whenever an entry changes.",
  entities: "List the entities under entities:, each one starting with '- id:'.",
  id: "Give the entity an id of lower-case words joined by hyphens, such as vladimir-putin; keep it stable once published.",
  name: "Give the entity its canonical name, such as 'name: Kyiv'.",
  type: `Use one of: ${gazetteerTypes.join(", ")}.`,
  wikidata: "Write a Wikidata item id such as Q1899, or leave the field out when unsure.",
  case: `Use one of: ${caseModes.join(", ")}.`,
  variants: "List the other ways the entity is written, one per line under variants:, e.g. '- Kiev'.",
  text: "Write the variant as it appears in texts, e.g. '- { text: US, case: sensitive }'."
}

const fixFor = (field: string | number | undefined): string =>
  fieldFixes[String(field)] ?? "Correct it as the comments at the top of the bundled gazetteer describe."

const valueAt = (data: unknown, path: ReadonlyArray<string | number>): unknown =>
  path.reduce<unknown>((node, key) => (typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[key] : undefined), data)

const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

const schemaProblem = (error: Schema.SchemaError, data: unknown): Problem => {
  const { field, message } = firstProblem(error)
  const path = field.split(".").filter((key) => key !== "").map((key) => (/^\d+$/.test(key) ? Number(key) : key))
  const last = path.at(-1)
  if (path.length === 0)
    return { path, problem: "does not hold a gazetteer", fix: "Start from the bundled raw/codebooks/gazetteer.yaml: version, then entities, at the top level." }
  if (message === "Missing key") return { path, problem: "is missing", fix: fixFor(last) }
  if (message === "Expected no excess property")
    return { path, problem: "is not a field the gazetteer knows", fix: "Correct its spelling or remove it; the fields are listed at the top of the bundled gazetteer." }
  const given = valueAt(data, path)
  const fieldName = typeof last === "number" ? path.at(-2) : last
  return { path, problem: `is ${given === undefined ? "empty" : shown(given)}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`, fix: fixFor(fieldName) }
}

/** The first entity that reuses an id or claims a variant another entity already claims. */
const uniquenessProblem = (gazetteer: Gazetteer): Problem | undefined => {
  const indexOfId = new Map<string, number>()
  const ownerOfVariant = new Map<string, string>()
  for (const [index, entity] of gazetteer.entities.entries()) {
    const earlier = indexOfId.get(entity.id)
    if (earlier !== undefined)
      return {
        path: ["entities", index, "id"],
        problem: `repeats the id "${entity.id}" of entry #${earlier + 1}`,
        fix: "Give each real-world entity one entry: merge the two entries, or give one of them its own id."
      }
    indexOfId.set(entity.id, index)
    for (const [position, variant] of entityVariants(entity).entries()) {
      const key = variantKey(variant.text)
      const owner = ownerOfVariant.get(key)
      // entityVariants lists the canonical name first, then the variants in file order.
      const at = position === 0 ? ["name"] : ["variants", position - 1]
      if (owner !== undefined && owner !== entity.id)
        return {
          path: ["entities", index, ...at],
          problem: `claims "${variant.text}", which already names ${owner}`,
          fix: "A variant can name one entity only: remove it from one of the two entries (add a longer variant if both need it)."
        }
      ownerOfVariant.set(key, entity.id)
    }
  }
  return undefined
}

// ---------------------------------------------------------------- decoding

/** "entity kyiv, field type, line 42": the entity by its id when it has a usable one, else by its number. */
const locate = (path: ReadonlyArray<string | number>, data: unknown, lineOf: (path: ReadonlyArray<string | number>) => number | undefined): string => {
  const [top, index, field] = path
  const id = valueAt(data, ["entities", index ?? -1, "id"])
  const entry = top === "entities" && typeof index === "number" ? `entity ${typeof id === "string" && id !== "" ? id : `#${index + 1}`}` : undefined
  // Inside an entity, "variants.2.case" names the field of its second variant.
  const fieldName = top === "entities" ? (field === undefined ? undefined : path.slice(2).map((key) => (typeof key === "number" ? key + 1 : key)).join(".")) : top
  const line = lineOf(path)
  return [entry, fieldName === undefined ? undefined : `field ${fieldName}`, line === undefined ? undefined : `line ${line}`]
    .filter((part) => part !== undefined)
    .join(", ")
}

/** The line of the deepest YAML node the path reaches (a missing field points at its entity). */
const lineFinder = (document: Document, lines: LineCounter) => (path: ReadonlyArray<string | number>): number | undefined => {
  for (let depth = path.length; depth > 0; depth--) {
    const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined
    if (node?.range !== undefined) return lines.linePos(node.range[0]).line
  }
  return undefined
}

const decodeGazetteerResult = (yamlText: string, file: string): Result.Result<Gazetteer, InputError> => {
  const lines = new LineCounter()
  const document = parseDocument(yamlText, { lineCounter: lines, prettyErrors: true })
  const syntaxError = document.errors[0]
  if (syntaxError !== undefined) {
    const line = syntaxError.linePos?.[0].line
    return Result.fail(
      new InputError({
        file,
        ...(line === undefined ? {} : { location: `line ${line}` }),
        problem: `is not valid YAML (${syntaxError.message.split("\n")[0]})`,
        fix: "Fix the YAML at that line: indentation, a missing colon, or a variant with a colon or # not wrapped in quotes."
      })
    )
  }
  const data: unknown = document.toJS()
  const fail = (found: Problem) => {
    const location = locate(found.path, data, lineFinder(document, lines))
    return Result.fail(new InputError({ file, ...(location === "" ? {} : { location }), problem: found.problem, fix: found.fix }))
  }
  const decoded = Schema.decodeUnknownResult(Gazetteer)(data, { onExcessProperty: "error", errors: "first" })
  if (Result.isFailure(decoded)) return fail(schemaProblem(decoded.failure, data))
  const problem = uniquenessProblem(decoded.success)
  return problem === undefined ? Result.succeed(decoded.success) : fail(problem)
}

/** Reads the gazetteer YAML; a bad codebook stops with one InputError naming the entity, the field and the fix. */
export const decodeGazetteer = (yamlText: string, file: string): Effect.Effect<Gazetteer, InputError> =>
  Effect.suspend(() => Effect.fromResult(decodeGazetteerResult(yamlText, file)))
