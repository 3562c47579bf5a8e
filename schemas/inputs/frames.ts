// The framing codebook (codebooks/frames.yaml): its schema and its checks.
import { Effect, Schema } from "effect"
import type { InputError } from "../../pipeline/errors.ts"
import { decodeYamlCodebook, firstFound, lineFirst, type Problem, repeatedId } from "./yaml.ts"

export const Identifier = Schema.String.check(
  Schema.isPattern(/^[a-z][a-z0-9_]*$/, { message: "an id is lower-case letters, digits and underscores, starting with a letter" })
)
export const Text = Schema.String.check(Schema.isPattern(/\S/, { message: "this must not be empty" }))
export const CodebookVersion = Schema.String.check(
  Schema.isPattern(/^\d+\.\d+\.\d+$/, { message: "a version is three numbers, e.g. 1.0.0" })
)
/** A list of terms that may be left out (read as empty). */
export const TermList = Schema.Array(Text).pipe(Schema.withDecodingDefaultKey(Effect.succeed([])))

export const Frame = Schema.Struct({
  id: Identifier,
  label: Text,
  definition: Text,
  sources: Schema.Array(Text).check(Schema.isMinLength(1, { message: "name at least one source" })),
  lemmas: TermList,
  phrases: TermList,
  exclusions: TermList,
  shared: TermList
})

export const FramesFile = Schema.Struct({
  version: CodebookVersion,
  description: Schema.optionalKey(Schema.String),
  frames: Schema.Array(Frame).check(Schema.isMinLength(1, { message: "list at least one frame" }))
})

export type Frame = typeof Frame.Type
/** A decoded framing codebook: terms lower-cased, spaces collapsed, apostrophes straightened. */
export type FrameCodebook = typeof FramesFile.Type

const frameList = { key: "frames", label: "frame" } as const

/** 'line 7, frame "a" (frames[0]), field lemmas[1]: expected text, found number 1945'. */
const messages = lineFirst({
  entries: frameList,
  fieldHelp: {
    version: "Write the codebook's version as three numbers, e.g. version: 1.0.0, and raise it whenever you change a frame",
    id: "Give each frame a unique id of lower-case letters, digits and underscores, e.g. id: military_conflict",
    label: "Give the frame a short label, e.g. label: Military conflict",
    definition: "Say in a sentence or two what the frame emphasises",
    sources: "List the literature the frame draws on, e.g. sources: [\"Semetko & Valkenburg (2000)\"]",
    lemmas: "List single words in their dictionary form, e.g. lemmas: [negotiation, talk]; multi-word terms go under phrases",
    phrases: "List multi-word terms, e.g. phrases: [peace talks, negotiating table]",
    exclusions: "List phrases inside which the frame's terms do not count, e.g. exclusions: [cold war]",
    shared: "List the frame's terms that deliberately also belong to another frame",
    frames: "List the frames under frames:, each starting with '- id: '"
  },
  generalHelp: "the fields are version, description and frames; each frame has id, label, definition, sources, lemmas, phrases, exclusions and shared (see the comments at the top of frames.yaml)"
})

/** Lower case, single spaces, straight apostrophes: the form terms are compared and published in. */
export const normaliseTerm = (term: string): string =>
  term.trim().replace(/\s+/g, " ").replace(/[\u2018\u2019\u02bc]/g, "'").toLowerCase()

const isMultiWord = (term: string): boolean => /[\s\-\u2010\u2011]/.test(term)

const normaliseFrame = (frame: Frame): Frame => ({
  ...frame,
  lemmas: frame.lemmas.map(normaliseTerm),
  phrases: frame.phrases.map(normaliseTerm),
  exclusions: frame.exclusions.map(normaliseTerm),
  shared: frame.shared.map(normaliseTerm)
})

type Check = (codebook: FrameCodebook) => Problem | undefined

const uniqueIds: Check = (codebook) => repeatedId(codebook.frames, frameList)

const hasTerms: Check = (codebook) =>
  firstFound(codebook.frames, (frame, i) =>
    frame.lemmas.length + frame.phrases.length > 0
      ? undefined
      : {
          path: ["frames", i],
          problem: "the frame has no terms",
          fix: "Add its words under lemmas: or its multi-word terms under phrases:, or remove the frame"
        }
  )

const termKinds: Check = (codebook) =>
  firstFound(codebook.frames, (frame, i) =>
    firstFound(frame.lemmas, (lemma, j) =>
      isMultiWord(lemma)
        ? { path: ["frames", i, "lemmas", j], problem: `"${lemma}" is more than one word`, fix: "Move it under phrases:, which matches consecutive words" }
        : undefined
    ) ??
    firstFound(frame.phrases, (phrase, j) =>
      isMultiWord(phrase)
        ? undefined
        : { path: ["frames", i, "phrases", j], problem: `"${phrase}" is a single word`, fix: "Move it under lemmas:, which matches every form of a word" }
    ) ??
    firstFound(frame.exclusions, (exclusion, j) =>
      isMultiWord(exclusion)
        ? undefined
        : {
            path: ["frames", i, "exclusions", j],
            problem: `"${exclusion}" is a single word`,
            fix: "An exclusion is a phrase containing one of the frame's terms, e.g. 'cold war' for 'war'; to stop matching a word, remove it from lemmas:"
          }
    )
  )

const termsOf = (frame: Frame) => [
  ...frame.lemmas.map((term, j) => ({ term, path: ["lemmas", j] as const })),
  ...frame.phrases.map((term, j) => ({ term, path: ["phrases", j] as const }))
]

const noRepeatsWithinFrame: Check = (codebook) =>
  firstFound(codebook.frames, (frame, i) => {
    const seen = new Set<string>()
    return firstFound(termsOf(frame), ({ term, path }) => {
      if (seen.has(term)) return { path: ["frames", i, ...path], problem: `"${term}" is listed twice in this frame`, fix: "Keep one of the two" }
      seen.add(term)
      return undefined
    })
  })

const sharedDeclared: Check = (codebook) => {
  const framesOfTerm = new Map<string, Array<string>>()
  for (const frame of codebook.frames) {
    for (const { term } of termsOf(frame)) framesOfTerm.set(term, [...(framesOfTerm.get(term) ?? []), frame.id])
  }
  return firstFound(codebook.frames, (frame, i) =>
    firstFound(termsOf(frame), ({ term, path }) => {
      const others = (framesOfTerm.get(term) ?? []).filter((id) => id !== frame.id)
      if (others.length === 0 || frame.shared.includes(term)) return undefined
      return {
        path: ["frames", i, ...path],
        problem: `"${term}" is also a term of frame ${others.map((id) => `"${id}"`).join(", ")}, and this frame does not say so`,
        fix: "Remove it from one of the frames, or, if it deliberately belongs to both, add it under shared: in each of them"
      }
    }) ??
    firstFound(frame.shared, (term, j) => {
      const path = ["frames", i, "shared", j]
      if (!termsOf(frame).some((t) => t.term === term)) {
        return { path, problem: `"${term}" is listed under shared but is not one of this frame's terms`, fix: "Add it under lemmas: or phrases:, or remove it from shared:" }
      }
      if ((framesOfTerm.get(term) ?? []).length < 2) {
        return { path, problem: `"${term}" is listed under shared but no other frame has it`, fix: "Remove it from shared:" }
      }
      return undefined
    })
  )
}

const checks: ReadonlyArray<Check> = [uniqueIds, hasTerms, termKinds, noRepeatsWithinFrame, sharedDeclared]

/** Reads and checks a framing codebook; the first problem found stops with an InputError. */
export const decodeFrames = (yamlText: string, file: string): Effect.Effect<FrameCodebook, InputError> =>
  decodeYamlCodebook({
    yamlText,
    file,
    schema: FramesFile,
    messages,
    normalise: (decoded) => ({ ...decoded, frames: decoded.frames.map(normaliseFrame) }),
    check: (codebook) => firstFound(checks, (check) => check(codebook))
  })
