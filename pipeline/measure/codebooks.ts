// The framing and naming codebooks turned into pattern sets, once per run. The result is plain
// data, so it can be handed to worker threads.
import type { FrameCodebook } from "../../schemas/inputs/frames.ts"
import type { NamingCodebook } from "../../schemas/inputs/naming.ts"
import { type PatternSet, phrasePattern, wordPattern } from "./match.ts"

export interface CompiledFrame {
  readonly id: string
  /** Each term with how it is matched. */
  readonly terms: ReadonlyArray<{ readonly term: string; readonly match: "lemma" | "phrase" }>
  readonly patterns: PatternSet
}

export interface CompiledConcept {
  readonly id: string
  /** Variant labels, in the codebook's order. */
  readonly variants: ReadonlyArray<string>
  readonly patterns: PatternSet
}

export interface CompiledMeasureCodebooks {
  readonly frames: { readonly version: string; readonly frames: ReadonlyArray<CompiledFrame> }
  readonly naming: { readonly version: string; readonly concepts: ReadonlyArray<CompiledConcept> }
}

const compileFrame = (frame: FrameCodebook["frames"][number]): CompiledFrame => ({
  id: frame.id,
  terms: [
    ...frame.lemmas.map((term) => ({ term, match: "lemma" as const })),
    ...frame.phrases.map((term) => ({ term, match: "phrase" as const }))
  ],
  patterns: {
    patterns: [
      ...frame.lemmas.map((term) => wordPattern(term, term)),
      ...frame.phrases.map((term) => phrasePattern(term, term))
    ],
    exclusions: frame.exclusions.map((phrase) => phrasePattern(phrase, phrase))
  }
})

const compileConcept = (concept: NamingCodebook["concepts"][number]): CompiledConcept => ({
  id: concept.id,
  variants: concept.variants.map((variant) => variant.variant),
  patterns: {
    patterns: concept.variants.flatMap((variant) => [
      ...variant.forms.map((form) => phrasePattern(variant.variant, form)),
      ...variant.case_sensitive_forms.map((form) => phrasePattern(variant.variant, form, true))
    ]),
    exclusions: concept.exclusions.map((phrase) => phrasePattern(phrase, phrase))
  }
})

export const compileMeasureCodebooks = (frames: FrameCodebook, naming: NamingCodebook): CompiledMeasureCodebooks => ({
  frames: { version: frames.version, frames: frames.frames.map(compileFrame) },
  naming: { version: naming.version, concepts: naming.concepts.map(compileConcept) }
})
