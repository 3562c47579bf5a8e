// A small stand-in for the segment and annotate stages, for tests and examples of the measure
// stage: wink's own sentences and tokens, and entity mentions found by exact surface.
// The pipeline itself builds AnnotatedDocuments from the real stages.
import type { entities } from "../../schemas/entities.ts"
import type { Row } from "../../schemas/table.ts"
import { analyse } from "../nlp.ts"
import type { AnnotatedDocument } from "./types.ts"

export interface EntityStub {
  readonly surface: string
  readonly entity_id: string
  readonly canonical: string
  readonly type: Row<typeof entities>["type"]
}

const mentionsOf = (docId: string, text: string, stub: EntityStub) => {
  const found: Array<{ start: number; end: number }> = []
  for (let at = text.indexOf(stub.surface); at >= 0; at = text.indexOf(stub.surface, at + stub.surface.length)) {
    found.push({ start: at, end: at + stub.surface.length })
  }
  return found.map(({ start, end }) => ({ docId, start, end, stub }))
}

export const annotatedDocument = (docId: string, text: string, entityStubs: ReadonlyArray<EntityStub> = []): AnnotatedDocument => {
  const analysis = analyse(text)
  const sentenceRows = analysis.winkSentences.map(([start, end], index) => ({
    doc_id: docId,
    sentence_id: `${docId}#s${index}`,
    paragraph: 0,
    index,
    start,
    end,
    text: text.slice(start, end),
    n_tokens: analysis.tokens.filter((t) => t.start >= start && t.start < end).length,
    is_heading: false
  }))
  const sentenceOf = (offset: number) =>
    (sentenceRows.find((s) => offset >= s.start && offset < s.end) ?? sentenceRows[sentenceRows.length - 1]!).sentence_id
  const tokenRows = analysis.tokens.map((token, index) => ({
    doc_id: docId,
    sentence_id: sentenceOf(token.start),
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
  const entityRows = entityStubs
    .flatMap((stub) => mentionsOf(docId, text, stub))
    .sort((a, b) => a.start - b.start)
    .map(({ start, end, stub }) => ({
      doc_id: docId,
      sentence_id: sentenceOf(start),
      start,
      end,
      surface: text.slice(start, end),
      entity_id: stub.entity_id,
      canonical: stub.canonical,
      type: stub.type,
      wikidata: null,
      method: "gazetteer" as const
    }))
  return {
    document: {
      doc_id: docId,
      file: `${docId}.txt`,
      outlet_id: null,
      outlet: null,
      country: null,
      camp: null,
      outlet_source: "unknown",
      outlet_evidence: null,
      genre: null,
      language: "en",
      title: null,
      title_source: null,
      author: null,
      author_source: null,
      published: null,
      url: null,
      n_chars_raw: text.length,
      n_chars_clean: text.length,
      n_paragraphs: 1,
      n_sentences: sentenceRows.length,
      n_tokens: tokenRows.length,
      sha256_raw: "0".repeat(64)
    },
    text,
    sentences: sentenceRows,
    tokens: tokenRows,
    entities: entityRows
  }
}
