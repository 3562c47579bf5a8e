// Stage 4, annotate: the clean text's tokens (from the one wink-nlp analysis) and its entity mentions
// (gazetteer, fallback, built-in), each placed in its sentence.
import type { Row } from "../schemas/table.ts"
import type { entities } from "../schemas/entities.ts"
import type { sentences } from "../schemas/sentences.ts"
import type { tokens } from "../schemas/tokens.ts"
import type { Analysis } from "./nlp.ts"
import { findMentions, type CompiledGazetteer } from "./entities.ts"

export interface Annotation {
  readonly tokens: ReadonlyArray<Row<typeof tokens>>
  readonly entities: ReadonlyArray<Row<typeof entities>>
}

/** The sentence holding each offset; sentences are ordered and cover every non-space character. */
const sentenceLocator = (sentenceRows: ReadonlyArray<Row<typeof sentences>>) => {
  let cursor = 0
  return (offset: number): Row<typeof sentences> => {
    // Offsets arrive in increasing order, so a moving cursor finds each sentence in amortised O(1).
    while (cursor < sentenceRows.length - 1 && offset >= sentenceRows[cursor]!.end) cursor++
    return sentenceRows[cursor]!
  }
}

export const annotate = (
  docId: string,
  text: string,
  analysis: Analysis,
  sentenceRows: ReadonlyArray<Row<typeof sentences>>,
  gazetteer: CompiledGazetteer
): Annotation => {
  const tokenSentence = sentenceLocator(sentenceRows)
  const tokenRows = analysis.tokens.map((token, index) => ({
    doc_id: docId,
    sentence_id: tokenSentence(token.start).sentence_id,
    index,
    start: token.start,
    end: token.end,
    text: token.text,
    normal: token.normal,
    lemma: token.lemma,
    pos: token.pos,
    is_stop: token.isStop,
    is_punct: token.isPunct
  }))
  const mentionSentence = sentenceLocator(sentenceRows)
  const entityRows = findMentions(text, analysis, gazetteer).map((mention) => ({
    doc_id: docId,
    sentence_id: mentionSentence(mention.start).sentence_id,
    start: mention.start,
    end: mention.end,
    surface: mention.surface,
    entity_id: mention.entityId,
    canonical: mention.canonical,
    type: mention.type,
    wikidata: mention.wikidata,
    method: mention.method
  }))
  return { tokens: tokenRows, entities: entityRows }
}
