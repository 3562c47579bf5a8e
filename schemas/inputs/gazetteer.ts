// raw/codebooks/gazetteer.yaml: the researcher-editable entity gazetteer of the annotate stage.
// The file's own comments explain each field to researchers; this schema is what it is checked
// against, plus the rules a schema cannot see (unique ids, a variant names one entity only).
import { type Effect, Schema } from "effect"
import type { InputError } from "../../pipeline/errors.ts"
import type { entityTypes } from "../entities.ts"
import { SemVer } from "./dataset.ts"
import { decodeYamlCodebook, entryFirst, type Problem } from "./yaml.ts"

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

/** "entity kyiv, field variants.2.case, line 42: is missing". */
const messages = entryFirst({
  name: "gazetteer",
  entries: { key: "entities", label: "entity" },
  fieldHelp: {
    version: "Write the codebook version as a semantic version such as 1.0.0, and raise it whenever an entry changes.",
    entities: "List the entities under entities:, each one starting with '- id:'.",
    id: "Give the entity an id of lower-case words joined by hyphens, such as vladimir-putin; keep it stable once published.",
    name: "Give the entity its canonical name, such as 'name: Kyiv'.",
    type: `Use one of: ${gazetteerTypes.join(", ")}.`,
    wikidata: "Write a Wikidata item id such as Q1899, or leave the field out when unsure.",
    case: `Use one of: ${caseModes.join(", ")}.`,
    variants: "List the other ways the entity is written, one per line under variants:, e.g. '- Kiev'.",
    text: "Write the variant as it appears in texts, e.g. '- { text: US, case: sensitive }'."
  },
  generalHelp: "Correct it as the comments at the top of the bundled gazetteer describe.",
  wholeFileHelp: "Start from the bundled raw/codebooks/gazetteer.yaml: version, then entities, at the top level."
})

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

/** Reads the gazetteer YAML; a bad codebook stops with one InputError naming the entity, the field and the fix. */
export const decodeGazetteer = (yamlText: string, file: string): Effect.Effect<Gazetteer, InputError> =>
  decodeYamlCodebook({
    yamlText,
    file,
    schema: Gazetteer,
    messages,
    syntaxFix: "Fix the YAML at that line: indentation, a missing colon, or a variant with a colon or # not wrapped in quotes.",
    check: uniquenessProblem
  })
