// The naming-variant codebook (codebooks/naming.yaml): its schema and its checks.
import { type Effect, Schema } from "effect"
import type { InputError } from "../../pipeline/errors.ts"
import { decodeYamlCodebook, firstFound, lineFirst, type Problem, repeatedId } from "./yaml.ts"
import { CodebookVersion, Identifier, normaliseTerm, TermList, Text } from "./frames.ts"

export const Variant = Schema.Struct({
  variant: Text,
  note: Schema.optionalKey(Schema.String),
  forms: TermList,
  case_sensitive_forms: TermList
})

export const Concept = Schema.Struct({
  id: Identifier,
  label: Text,
  note: Schema.optionalKey(Schema.String),
  variants: Schema.Array(Variant),
  exclusions: TermList
})

export const NamingFile = Schema.Struct({
  version: CodebookVersion,
  description: Schema.optionalKey(Schema.String),
  concepts: Schema.Array(Concept).check(Schema.isMinLength(1, { message: "list at least one concept" }))
})

export type NamingConcept = typeof Concept.Type
/** A decoded naming codebook: forms lower-cased (case-sensitive forms kept as written), spaces collapsed. */
export type NamingCodebook = typeof NamingFile.Type

const conceptList = { key: "concepts", label: "concept" } as const

/** 'line 9, concept "capital" (concepts[0]), field variants[1].forms[1]: the form "kyiv" is also listed …'. */
const messages = lineFirst({
  entries: conceptList,
  fieldHelp: {
    version: "Write the codebook's version as three numbers, e.g. version: 1.0.0, and raise it whenever you change a concept",
    id: "Give each concept a unique id of lower-case letters, digits and underscores, e.g. id: capital_of_ukraine",
    label: "Give the concept a short label, e.g. label: The capital of Ukraine",
    variants: "List at least two variants, each as '- variant: Kyiv' with its forms: [kyiv]",
    variant: "Name the variant as it should appear in the naming_variants table, e.g. variant: Kiev",
    forms: "List the words or phrases that realise the variant, matched whatever their case, e.g. forms: [kiev, kiev's]",
    case_sensitive_forms: "List forms matched exactly as written, for abbreviations such as SVO, e.g. case_sensitive_forms: [SVO]",
    exclusions: "List phrases inside which the concept's forms do not count, e.g. exclusions: [chicken kiev]",
    concepts: "List the concepts under concepts:, each starting with '- id: '"
  },
  generalHelp: "the fields are version, description and concepts; each concept has id, label, note, variants and exclusions, and each variant has variant, note, forms and case_sensitive_forms (see the comments at the top of naming.yaml)"
})

const keepCase = (form: string): string => form.trim().replace(/\s+/g, " ").replace(/[\u2018\u2019\u02bc]/g, "'")

const normaliseConcept = (concept: NamingConcept): NamingConcept => ({
  ...concept,
  variants: concept.variants.map((variant) => ({
    ...variant,
    variant: variant.variant.trim(),
    forms: variant.forms.map(normaliseTerm),
    case_sensitive_forms: variant.case_sensitive_forms.map(keepCase)
  })),
  exclusions: concept.exclusions.map(normaliseTerm)
})

type Check = (codebook: NamingCodebook) => Problem | undefined

const uniqueIds: Check = (codebook) => repeatedId(codebook.concepts, conceptList)

const variantsWellFormed: Check = (codebook) =>
  firstFound(codebook.concepts, (concept, i) => {
    if (concept.variants.length < 2) {
      return {
        path: ["concepts", i, "variants"],
        problem: `the concept has ${concept.variants.length} variant(s)`,
        fix: "A concept compares ways of naming one thing: list at least two variants"
      }
    }
    const labels = new Set<string>()
    const formOwner = new Map<string, string>()
    return firstFound(concept.variants, (variant, j) => {
      const path = ["concepts", i, "variants", j]
      if (labels.has(variant.variant)) {
        return { path: [...path, "variant"], problem: `the variant "${variant.variant}" is listed twice`, fix: "Merge the two variants' forms under one of them" }
      }
      labels.add(variant.variant)
      if (variant.forms.length + variant.case_sensitive_forms.length === 0) {
        return { path, problem: `the variant "${variant.variant}" has no forms`, fix: "List the words or phrases that realise it under forms:" }
      }
      const forms = [
        ...variant.forms.map((form, k) => ({ form, path: [...path, "forms", k] })),
        ...variant.case_sensitive_forms.map((form, k) => ({ form, path: [...path, "case_sensitive_forms", k] }))
      ]
      return firstFound(forms, ({ form, path: formPath }) => {
        const key = form.toLowerCase()
        const owner = formOwner.get(key)
        if (owner !== undefined) {
          return {
            path: formPath,
            problem: `the form "${form}" is also listed for the variant "${owner}" of this concept`,
            fix: "A form realises one variant of a concept: keep it under one variant"
          }
        }
        formOwner.set(key, variant.variant)
        return undefined
      })
    })
  })

const exclusionsArePhrases: Check = (codebook) =>
  firstFound(codebook.concepts, (concept, i) =>
    firstFound(concept.exclusions, (exclusion, j) =>
      /[\s\-\u2010\u2011]/.test(exclusion)
        ? undefined
        : {
            path: ["concepts", i, "exclusions", j],
            problem: `"${exclusion}" is a single word`,
            fix: "An exclusion is a phrase containing one of the concept's forms, e.g. 'chicken kiev'; to stop matching a word, remove it from the forms"
          }
    )
  )

const checks: ReadonlyArray<Check> = [uniqueIds, variantsWellFormed, exclusionsArePhrases]

/** Reads and checks a naming-variant codebook; the first problem found stops with an InputError. */
export const decodeNaming = (yamlText: string, file: string): Effect.Effect<NamingCodebook, InputError> =>
  decodeYamlCodebook({
    yamlText,
    file,
    schema: NamingFile,
    messages,
    normalise: (decoded) => ({ ...decoded, concepts: decoded.concepts.map(normaliseConcept) }),
    check: (codebook) => firstFound(checks, (check) => check(codebook))
  })
