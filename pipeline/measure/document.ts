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
