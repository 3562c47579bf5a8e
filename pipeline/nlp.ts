// One wink-nlp pass over a text, turned into plain records with offsets.
// Both the segment and annotate stages read this analysis, so wink runs once per document.
import type { ItemToken } from "wink-nlp"
import { readDocument, wink } from "./wink.ts"


export interface AnalysedToken {
  /** UTF-16 offsets into the analysed text, end exclusive. */
  readonly start: number
  readonly end: number
  readonly text: string
  readonly normal: string
  readonly lemma: string
  readonly pos: string
  readonly isStop: boolean
  readonly isPunct: boolean
  /** wink's token type: word, number, punctuation, tabCRLF, url, email, … */
  readonly type: string
}

export interface WinkEntity {
  readonly start: number
  readonly end: number
  readonly type: string
  readonly value: string
}

export interface Analysis {
  /** Every token except pure whitespace (wink's tabCRLF tokens). */
  readonly tokens: ReadonlyArray<AnalysedToken>
  /** wink's own sentence spans as [start, end) character offsets. */
  readonly winkSentences: ReadonlyArray<readonly [number, number]>
  /** wink's built-in entities (DATE, CARDINAL, MONEY, …) with character offsets. */
  readonly winkEntities: ReadonlyArray<WinkEntity>
}

// wink's lemmas keep curly apostrophes and sometimes the surface case ("NZ"); counting by lemma needs one form.
export const normaliseLemma = (lemma: string): string => lemma.replace(/[\u2018\u2019\u02bc]/g, "'").toLowerCase()

export const normaliseNormal = (normal: string): string => normal.replace(/[\u2018\u2019\u02bc]/g, "'")

export const analyse = (text: string): Analysis => {
  const { its } = wink()
  // wink does not break lines at NEL, LS and PS as the segmenter does; a space of the same length keeps offsets.
  const doc = readDocument(text.replace(/[\u0085\u2028\u2029]/g, " "))
  const values = doc.tokens().out() as Array<string>
  const types = doc.tokens().out(its.type) as Array<string>
  const normals = doc.tokens().out(its.normal) as Array<string>
  const lemmas = doc.tokens().out(its.lemma as unknown as typeof its.normal) as Array<string>
  const poses = doc.tokens().out(its.pos) as Array<string>
  const stops = doc.tokens().out(its.stopWordFlag) as unknown as Array<boolean>

  // wink reports a token's value and its preceding spaces but not its offset; locating each
  // value from a moving cursor is exact even where wink folds odd whitespace (NBSP, tabs).
  const starts: Array<number> = []
  const ends: Array<number> = []
  let cursor = 0
  for (const value of values) {
    const at = text.indexOf(value, cursor)
    const start = at < 0 ? cursor : at
    starts.push(start)
    ends.push(at < 0 ? cursor : start + value.length)
    cursor = ends[ends.length - 1]!
  }

  const tokens: Array<AnalysedToken> = []
  values.forEach((value, i) => {
    const type = types[i] ?? "word"
    if (type === "tabCRLF" || value.trim() === "") return
    tokens.push({
      start: starts[i]!,
      end: ends[i]!,
      text: value,
      normal: normaliseNormal(normals[i] ?? value.toLowerCase()),
      lemma: normaliseLemma(lemmas[i] ?? value),
      pos: poses[i] ?? "X",
      isStop: stops[i] === true,
      isPunct: type === "punctuation" || poses[i] === "PUNCT",
      type
    })
  })

  const spanToOffsets = (span: readonly [number, number]): readonly [number, number] => [
    starts[span[0]] ?? 0,
    ends[span[1]] ?? text.length
  ]
  const winkSentences = (doc.sentences().out(its.span) as unknown as Array<[number, number]>).map(spanToOffsets)
  const entitySpans = doc.entities().out(its.span) as unknown as Array<[number, number]>
  const entityDetails = doc.entities().out(its.detail) as unknown as Array<{ value: string; type: string }>
  const winkEntities = entitySpans.map((span, i) => {
    const [start, end] = spanToOffsets(span)
    return { start, end, type: entityDetails[i]?.type ?? "UNKNOWN", value: text.slice(start, end) }
  })
  return { tokens, winkSentences, winkEntities }
}

export type { ItemToken }
