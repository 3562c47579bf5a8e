// A small stand-in for the segment and annotate stages, for tests and examples of the measure
// stage: wink's own sentences and tokens, and entity mentions found by exact surface.
// The pipeline itself builds AnnotatedDocuments from the real stages.
import type { entities } from "../../schemas/entities.ts"
import type { Row } from "../../schemas/table.ts"
import { analyse } from "../nlp.ts"
import type { AnnotatedDocument, DocumentGroups, DocumentMeasures, EntityCount, TermList } from "./types.ts"

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

// --- Synthetic counts -----------------------------------------------------------------------------
// Random but reproducible DocumentMeasures, for the tests that hold the accumulator to the reference
// aggregation and for benchmarks: Zipf-like vocabularies (with terms outside ASCII and outside the
// Basic Multilingual Plane, whose UTF-16 order differs from code point order), groups with unknown
// values and camps that differ from the outlet's, empty documents and sentences, frame hits of
// frames the codebook lacks, entities named in several ways.

export interface SyntheticOptions {
  readonly documents: number
  readonly seed: number
  /** Frame ids the hits are drawn from (the codebook's, and maybe some it lacks). */
  readonly frameIds: ReadonlyArray<string>
  readonly concepts: ReadonlyArray<{ readonly id: string; readonly variants: ReadonlyArray<string> }>
  /** Distinct words (default 400). */
  readonly vocabulary?: number
  /** Distinct outlets (default 6). */
  readonly outlets?: number
  /** Most sentences in a document (default 12). */
  readonly sentences?: number
}

const mulberry32 = (seed: number) => {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ODD_WORDS = ["київ", "kyïv", "\u{1D538}", "\uFF21", "é", "e\u0301", "z", "Z", ""]

export const syntheticMeasures = (options: SyntheticOptions): Array<{ groups: DocumentGroups; measures: DocumentMeasures }> => {
  const random = mulberry32(options.seed)
  const below = (n: number) => Math.floor(random() * n)
  const vocabulary = options.vocabulary ?? 400
  const word = () => {
    if (random() < 0.02) return ODD_WORDS[below(ODD_WORDS.length)]!
    return `w${Math.floor(Math.exp(random() * Math.log(vocabulary)))}`
  }
  const outlets = Array.from({ length: options.outlets ?? 6 }, (_, i) => ({
    outlet: `outlet-${i}`,
    country: `C${i % 3}`,
    camp: ["ua", "ru", "third-country"][i % 3]!
  }))
  const types: ReadonlyArray<EntityCount["type"]> = ["PERSON", "GPE", "ORG"]
  const documents: Array<{ groups: DocumentGroups; measures: DocumentMeasures }> = []
  for (let d = 0; d < options.documents; d++) {
    const docId = `doc-${String(d).padStart(4, "0")}`
    const outlet = outlets[below(outlets.length)]!
    const groups: DocumentGroups = {
      doc_id: docId,
      outlet: random() < 0.1 ? null : outlet.outlet,
      country: random() < 0.1 ? null : outlet.country,
      camp: random() < 0.1 ? null : random() < 0.1 ? "other-camp" : outlet.camp
    }
    const sentenceCount = below((options.sentences ?? 12) + 1)
    const sentenceTokens = Array.from({ length: sentenceCount }, () => (random() < 0.1 ? 0 : 1 + below(30)))
    const terms = (["lemma", "normal"] as const).flatMap((form) =>
      ([1, 2] as const).map((ngram): TermList => {
        const counts = new Map<string, { count: number; stop: boolean }>()
        const size = sentenceCount === 0 ? 0 : below(40)
        for (let i = 0; i < size; i++) {
          const term = ngram === 1 ? word() : `${word()} ${word()}`
          const entry = counts.get(term) ?? { count: 0, stop: false }
          entry.count += 1 + below(3)
          entry.stop ||= random() < 0.1
          counts.set(term, entry)
        }
        const sorted = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        return { form, ngram, terms: sorted.map(([t]) => t), counts: sorted.map(([, e]) => e.count), is_stop: sorted.map(([, e]) => e.stop) }
      })
    )
    const sentenceFrameHits = sentenceTokens.flatMap((_, sentence) =>
      [...options.frameIds].sort().flatMap((frameId) => (random() < 0.15 ? [{ sentence, frame_id: frameId, hits: 1 + below(3) }] : []))
    )
    const entities = new Map<string, { -readonly [K in keyof EntityCount]: EntityCount[K] }>()
    for (let i = below(6); i > 0; i--) {
      const id = below(8)
      const entity = { entity_id: `e${id}`, canonical: random() < 0.3 ? `Entity ${id}` : `Entity ${id} (alt)`, type: types[(id + below(2)) % types.length]!, mentions: 0 }
      const key = `${entity.entity_id}\u0001${entity.canonical}\u0001${entity.type}`
      const found = entities.get(key) ?? entity
      found.mentions += 1 + below(3)
      entities.set(key, found)
    }
    const naming = options.concepts.flatMap((concept) =>
      [...concept.variants, "unlisted"].flatMap((variant) => (random() < 0.2 ? [{ concept: concept.id, variant, count: 1 + below(4) }] : []))
    )
    documents.push({
      groups,
      measures: {
        doc_id: docId,
        tokens: sentenceTokens.reduce((sum, n) => sum + n, 0),
        terms,
        sentence_tokens: sentenceTokens,
        sentence_frame_hits: sentenceFrameHits,
        entities: [...entities.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entity]) => entity),
        naming: naming.sort((a, b) => (a.concept !== b.concept ? (a.concept < b.concept ? -1 : 1) : a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0)),
        frame_hits: []
      }
    })
  }
  return documents
}
