// Matching codebook terms against the tokens of one sentence.
// A pattern is a sequence of token forms; it matches consecutive tokens, a hyphen between two
// words being optional ("proxy war" matches "proxy-war"). Among the patterns of one set, the
// leftmost-longest match wins and matches do not overlap; a match lying inside a match of one of
// the set's exclusion phrases is dropped ("war" inside "cold war").
import { analyse } from "../nlp.ts"

export interface PatternToken {
  readonly normal: string
  readonly lemma: string
  /** For a case-sensitive form: the token exactly as written; normal and lemma are then ignored. */
  readonly exact: string | null
}

export interface Pattern {
  /** What a match reports: a frame term, or a naming variant. */
  readonly label: string
  readonly tokens: ReadonlyArray<PatternToken>
}

export interface PatternSet {
  readonly patterns: ReadonlyArray<Pattern>
  readonly exclusions: ReadonlyArray<Pattern>
}

/** The token fields matching looks at. */
export interface MatchToken {
  readonly text: string
  readonly normal: string
  readonly lemma: string
}

export interface Match {
  readonly label: string
  /** Positions of the first and last matched tokens in the sentence, inclusive. */
  readonly first: number
  readonly last: number
}

const HYPHENS = new Set(["-", "\u2010", "\u2011"])
export const isHyphen = (text: string): boolean => HYPHENS.has(text)

const straighten = (text: string): string => text.replace(/[\u2018\u2019\u02bc]/g, "'")

/** A single word matched on its lemma (or normal form). */
export const wordPattern = (label: string, word: string): Pattern => ({
  label,
  tokens: [{ normal: word, lemma: word, exact: null }]
})

/** A word or phrase, tokenised as the texts are so that both sides split alike ("Kyiv's" → kyiv 's). */
export const phrasePattern = (label: string, phrase: string, caseSensitive = false): Pattern => ({
  label,
  tokens: analyse(phrase)
    .tokens.filter((token) => !isHyphen(token.text))
    .map((token) => ({
      normal: token.normal,
      lemma: token.lemma,
      exact: caseSensitive ? straighten(token.text) : null
    }))
})

const tokenMatches = (token: MatchToken, pattern: PatternToken): boolean =>
  pattern.exact !== null
    ? straighten(token.text) === pattern.exact
    : token.normal === pattern.normal || token.lemma === pattern.lemma

/** Position of the last token when `pattern` matches from `start`, else -1. */
const matchFrom = (tokens: ReadonlyArray<MatchToken>, start: number, pattern: Pattern): number => {
  let at = start - 1
  for (const [k, expected] of pattern.tokens.entries()) {
    at++
    if (k > 0) while (at < tokens.length && isHyphen(tokens[at]!.text)) at++
    const token = tokens[at]
    if (token === undefined || !tokenMatches(token, expected)) return -1
  }
  return at
}

// Patterns indexed by the forms their first token can take, built once per pattern list.
const indexes = new WeakMap<ReadonlyArray<Pattern>, Map<string, ReadonlyArray<Pattern>>>()

const indexOf = (patterns: ReadonlyArray<Pattern>): Map<string, ReadonlyArray<Pattern>> => {
  const cached = indexes.get(patterns)
  if (cached !== undefined) return cached
  const index = new Map<string, Array<Pattern>>()
  const add = (key: string, pattern: Pattern) => {
    const list = index.get(key) ?? []
    if (!list.includes(pattern)) list.push(pattern)
    index.set(key, list)
  }
  for (const pattern of patterns) {
    const first = pattern.tokens[0]
    if (first === undefined) continue
    if (first.exact !== null) add(first.exact.toLowerCase(), pattern)
    else {
      add(first.normal, pattern)
      add(first.lemma, pattern)
    }
  }
  indexes.set(patterns, index)
  return index
}

const NONE: ReadonlyArray<Pattern> = []

// Case-sensitive patterns are indexed by their lower case, which is the token's normal form.
const candidatesAt = (token: MatchToken, index: Map<string, ReadonlyArray<Pattern>>): ReadonlyArray<Pattern> => {
  const byNormal = index.get(token.normal)
  const byLemma = token.lemma === token.normal ? undefined : index.get(token.lemma)
  if (byLemma === undefined) return byNormal ?? NONE
  return byNormal === undefined ? byLemma : [...byNormal, ...byLemma]
}

const matchesAt = (tokens: ReadonlyArray<MatchToken>, start: number, patterns: ReadonlyArray<Pattern>): Array<Match> => {
  const found: Array<Match> = []
  for (const pattern of candidatesAt(tokens[start]!, indexOf(patterns))) {
    const last = matchFrom(tokens, start, pattern)
    if (last >= 0) found.push({ label: pattern.label, first: start, last })
  }
  return found
}

// Longest first; among equally long matches, the alphabetically first label, so the choice never
// depends on the order of the codebook.
const longest = (a: Match, b: Match): number => b.last - a.last || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)

const spansOf = (tokens: ReadonlyArray<MatchToken>, patterns: ReadonlyArray<Pattern>): Array<Match> => {
  const spans: Array<Match> = []
  for (let start = 0; start < tokens.length; start++) spans.push(...matchesAt(tokens, start, patterns))
  return spans
}

/**
 * Which of several pattern sets could match in a sentence at all: those with a pattern whose first
 * token fits one of the sentence's tokens. findMatches finds nothing in a set without one, so a
 * caller skips it, at one lookup per token for all the sets instead of one per set.
 */
export class CandidateSets {
  /** first-token form → positions of the sets with a pattern starting with it */
  private readonly bySetForm = new Map<string, Array<number>>()
  private readonly flags: Uint8Array

  constructor(sets: ReadonlyArray<PatternSet>) {
    sets.forEach((set, position) => {
      for (const form of indexOf(set.patterns).keys()) {
        const positions = this.bySetForm.get(form) ?? []
        positions.push(position)
        this.bySetForm.set(form, positions)
      }
    })
    this.flags = new Uint8Array(sets.length)
  }

  /** 1 at the position of each set worth matching against `tokens` (overwritten by the next call). */
  worthMatching(tokens: ReadonlyArray<MatchToken>): Uint8Array {
    this.flags.fill(0)
    for (const token of tokens) {
      for (const position of this.bySetForm.get(token.normal) ?? []) this.flags[position] = 1
      if (token.lemma === token.normal) continue
      for (const position of this.bySetForm.get(token.lemma) ?? []) this.flags[position] = 1
    }
    return this.flags
  }
}

/** Leftmost-longest, non-overlapping matches of the set's patterns that no exclusion covers. */
export const findMatches = (tokens: ReadonlyArray<MatchToken>, set: PatternSet): Array<Match> => {
  let excluded: Array<Match> | undefined // found only once a sentence has a candidate match
  const covered = (match: Match) => {
    excluded ??= spansOf(tokens, set.exclusions)
    return excluded.some((span) => span.first <= match.first && match.last <= span.last)
  }
  const matches: Array<Match> = []
  let start = 0
  while (start < tokens.length) {
    const candidates = matchesAt(tokens, start, set.patterns)
    const [best] = candidates.length === 0 ? [] : candidates.filter((match) => !covered(match)).sort(longest)
    if (best === undefined) start++
    else {
      matches.push(best)
      start = best.last + 1
    }
  }
  return matches
}
