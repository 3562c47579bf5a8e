// A document's tokens arranged by sentence, the shape every per-document measure walks.
import type { sentences } from "../../schemas/sentences.ts"
import type { Row } from "../../schemas/table.ts"
import type { tokens } from "../../schemas/tokens.ts"
import type { AnnotatedDocument } from "./types.ts"

export type TokenRow = Row<typeof tokens>

export interface SentenceTokens {
  readonly sentence: Row<typeof sentences>
  /** The sentence's tokens in text order, punctuation included. */
  readonly tokens: ReadonlyArray<TokenRow>
}

/** Sentences in index order, each with its tokens. */
export const tokensBySentence = (doc: AnnotatedDocument): ReadonlyArray<SentenceTokens> => {
  const ordered = [...doc.sentences].sort((a, b) => a.index - b.index)
  const position = new Map(ordered.map((sentence, i) => [sentence.sentence_id, i]))
  const grouped: Array<Array<TokenRow>> = ordered.map(() => [])
  for (const token of [...doc.tokens].sort((a, b) => a.index - b.index)) {
    const at = position.get(token.sentence_id)
    if (at === undefined) {
      throw new Error(`measure: token ${token.index} of ${token.doc_id} refers to unknown sentence ${token.sentence_id}`)
    }
    grouped[at]!.push(token)
  }
  return ordered.map((sentence, i) => ({ sentence, tokens: grouped[i]! }))
}

export const countWords = (tokens: ReadonlyArray<TokenRow>): number => tokens.filter((token) => !token.is_punct).length

/** The token fields the framing and naming codebooks are matched on, and a match's offsets. */
export type MatchableToken = Pick<TokenRow, "text" | "normal" | "lemma" | "start" | "end">

/** A sentence as frames and naming read it. */
export interface MatchableSentence {
  readonly sentence_id: string
  readonly tokens: ReadonlyArray<MatchableToken>
}

export const matchableSentences = (sentences: ReadonlyArray<SentenceTokens>): Array<MatchableSentence> =>
  sentences.map(({ sentence, tokens }) => ({ sentence_id: sentence.sentence_id, tokens }))

/**
 * Matchable sentences packed for the per-document cache: each distinct string once, the tokens as
 * numbers in typed arrays. Re-reading this costs a fraction of re-reading the token rows (V8
 * deserialises typed arrays as one block, and each token row as an object of eleven fields).
 */
export interface PackedSentences {
  readonly sentence_ids: ReadonlyArray<string>
  /** Tokens of each sentence, in order. */
  readonly sizes: Int32Array
  readonly strings: ReadonlyArray<string>
  /** Per token: its text, normal form and lemma as numbers of `strings`, and its offsets. */
  readonly text: Int32Array
  readonly normal: Int32Array
  readonly lemma: Int32Array
  readonly start: Int32Array
  readonly end: Int32Array
}

export const packSentences = (sentences: ReadonlyArray<MatchableSentence>): PackedSentences => {
  const numbers = new Map<string, number>()
  const strings: Array<string> = []
  const numberOf = (value: string): number => {
    let number = numbers.get(value)
    if (number === undefined) {
      number = strings.length
      numbers.set(value, number)
      strings.push(value)
    }
    return number
  }
  const count = sentences.reduce((sum, { tokens }) => sum + tokens.length, 0)
  const packed = {
    sentence_ids: sentences.map(({ sentence_id }) => sentence_id),
    sizes: Int32Array.from(sentences, ({ tokens }) => tokens.length),
    strings,
    text: new Int32Array(count),
    normal: new Int32Array(count),
    lemma: new Int32Array(count),
    start: new Int32Array(count),
    end: new Int32Array(count)
  }
  let at = 0
  for (const { tokens } of sentences) {
    for (const token of tokens) {
      packed.text[at] = numberOf(token.text)
      packed.normal[at] = numberOf(token.normal)
      packed.lemma[at] = numberOf(token.lemma)
      packed.start[at] = token.start
      packed.end[at] = token.end
      at++
    }
  }
  return packed
}

export const unpackSentences = (packed: PackedSentences): Array<MatchableSentence> => {
  const { strings } = packed
  let at = 0
  return packed.sentence_ids.map((sentence_id, s) => {
    const tokens: Array<MatchableToken> = new Array(packed.sizes[s]!)
    for (let i = 0; i < tokens.length; i++, at++) {
      tokens[i] = {
        text: strings[packed.text[at]!]!,
        normal: strings[packed.normal[at]!]!,
        lemma: strings[packed.lemma[at]!]!,
        start: packed.start[at]!,
        end: packed.end[at]!
      }
    }
    return { sentence_id, tokens }
  })
}
