// The naming-variant codebook (codebooks/naming.yaml): its schema and its checks.
import { Effect, Schema } from "effect"
import type { InputError } from "../../pipeline/errors.ts"
import {
  type CodebookShape,
  decodeYaml,
  entryError,
  firstFound,
  parseYaml,
  type YamlInput
} from "../../pipeline/measure/codebook-input.ts"
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

export const namingShape: CodebookShape = {
  entries: { concepts: "concept" },
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
}

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

type Check = (codebook: NamingCodebook, input: YamlInput) => InputError | undefined

const uniqueIds: Check = (codebook, input) => {
  const seen = new Set<string>()
  return firstFound(codebook.concepts, (concept, i) => {
    if (seen.has(concept.id)) {
      return entryError(input, namingShape, ["concepts", i, "id"], `the id "${concept.id}" is used by an earlier concept`, "Give each concept its own id")
    }
    seen.add(concept.id)
    return undefined
  })
}

const variantsWellFormed: Check = (codebook, input) =>
  firstFound(codebook.concepts, (concept, i) => {
    if (concept.variants.length < 2) {
      return entryError(input, namingShape, ["concepts", i, "variants"], `the concept has ${concept.variants.length} variant(s)`, "A concept compares ways of naming one thing: list at least two variants")
    }
    const labels = new Set<string>()
    const formOwner = new Map<string, string>()
    return firstFound(concept.variants, (variant, j) => {
      const path = ["concepts", i, "variants", j]
      if (labels.has(variant.variant)) {
        return entryError(input, namingShape, [...path, "variant"], `the variant "${variant.variant}" is listed twice`, "Merge the two variants' forms under one of them")
      }
      labels.add(variant.variant)
      if (variant.forms.length + variant.case_sensitive_forms.length === 0) {
        return entryError(input, namingShape, path, `the variant "${variant.variant}" has no forms`, "List the words or phrases that realise it under forms:")
      }
      const forms = [
        ...variant.forms.map((form, k) => ({ form, path: [...path, "forms", k] })),
        ...variant.case_sensitive_forms.map((form, k) => ({ form, path: [...path, "case_sensitive_forms", k] }))
      ]
      return firstFound(forms, ({ form, path: formPath }) => {
        const key = form.toLowerCase()
        const owner = formOwner.get(key)
        if (owner !== undefined) {
          return entryError(input, namingShape, formPath, `the form "${form}" is also listed for the variant "${owner}" of this concept`, "A form realises one variant of a concept: keep it under one variant")
        }
        formOwner.set(key, variant.variant)
        return undefined
      })
    })
  })

const exclusionsArePhrases: Check = (codebook, input) =>
  firstFound(codebook.concepts, (concept, i) =>
    firstFound(concept.exclusions, (exclusion, j) =>
      /[\s\-\u2010\u2011]/.test(exclusion)
        ? undefined
        : entryError(input, namingShape, ["concepts", i, "exclusions", j], `"${exclusion}" is a single word`, "An exclusion is a phrase containing one of the concept's forms, e.g. 'chicken kiev'; to stop matching a word, remove it from the forms")
    )
  )

const checks: ReadonlyArray<Check> = [uniqueIds, variantsWellFormed, exclusionsArePhrases]

/** Reads and checks a naming-variant codebook; the first problem found stops with an InputError. */
export const decodeNaming = (yamlText: string, file: string): Effect.Effect<NamingCodebook, InputError> =>
  Effect.gen(function* () {
    const input = yield* parseYaml(yamlText, file)
    const decoded = yield* decodeYaml(NamingFile, input, namingShape)
    const codebook: NamingCodebook = { ...decoded, concepts: decoded.concepts.map(normaliseConcept) }
    for (const check of checks) {
      const error = check(codebook, input)
      if (error !== undefined) return yield* Effect.fail(error)
    }
    return codebook
  })
