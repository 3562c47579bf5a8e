// What the measure stage reads and the per-document counts it keeps between its two steps.
// DocumentMeasures is plain JSON (no Maps, no class instances) so that it can cross worker
// threads and be cached per document.
import type { documents } from "../../schemas/documents.ts"
import type { entities } from "../../schemas/entities.ts"
import type { frameHits } from "../../schemas/frame_hits.ts"
import type { sentences } from "../../schemas/sentences.ts"
import type { Row } from "../../schemas/table.ts"
import type { tokens } from "../../schemas/tokens.ts"

/** One document as the earlier stages leave it. */
export interface AnnotatedDocument {
  readonly document: Row<typeof documents>
  /** texts.text_clean: every offset points into it. */
  readonly text: string
  readonly sentences: ReadonlyArray<Row<typeof sentences>>
  readonly tokens: ReadonlyArray<Row<typeof tokens>>
  readonly entities: ReadonlyArray<Row<typeof entities>>
}

/** The groups a document belongs to; null where unknown (the document then forms no group). */
export interface DocumentGroups {
  readonly doc_id: string
  /** documents.outlet_id */
  readonly outlet: string | null
  readonly country: string | null
  readonly camp: string | null
}

export type TermForm = "lemma" | "normal"

/** One document's frequency list of one form and n-gram size, as parallel arrays ordered by term. */
export interface TermList {
  readonly form: TermForm
  readonly ngram: 1 | 2
  readonly terms: ReadonlyArray<string>
  readonly counts: ReadonlyArray<number>
  /** True if any occurrence of the term is, or contains, a stop word. */
  readonly is_stop: ReadonlyArray<boolean>
}

export interface SentenceFrameHits {
  /** Position of the sentence in the document (sentences ordered by index). */
  readonly sentence: number
  readonly frame_id: string
  readonly hits: number
}

export interface EntityCount {
  readonly entity_id: string
  readonly canonical: string
  readonly type: Row<typeof entities>["type"]
  readonly mentions: number
}

export interface NamingCount {
  readonly concept: string
  readonly variant: string
  readonly count: number
}

/** Everything the aggregation needs from one document: counts, no text. Arrays in a fixed order. */
export interface DocumentMeasures {
  readonly doc_id: string
  /** Non-punctuation tokens: the denominator of every rate. */
  readonly tokens: number
  /** Term counts: four lists (lemma and normal form, unigrams and bigrams), ordered by form, ngram. */
  readonly terms: ReadonlyArray<TermList>
  /** Non-punctuation tokens of each sentence, in sentence order (the bootstrap resamples these). */
  readonly sentence_tokens: ReadonlyArray<number>
  /** Frame hits per sentence, only where there are some; ordered by sentence, frame_id. */
  readonly sentence_frame_hits: ReadonlyArray<SentenceFrameHits>
  /** Mentions linked to an entity id, ordered by entity_id, canonical, type. */
  readonly entities: ReadonlyArray<EntityCount>
  /** Matches per naming variant, only where there are some; ordered by concept, variant. */
  readonly naming: ReadonlyArray<NamingCount>
  /** This document's frame_hits rows, in the table's order. */
  readonly frame_hits: ReadonlyArray<Row<typeof frameHits>>
  /**
   * The document's own bootstrap intervals (its frame_scores rows at level document), worked out
   * from the counts above where the document is measured; absent if not. Computed from these very
   * counts: a copy with other counts must leave them out.
   */
  readonly frame_intervals?: DocumentFrameIntervals
}

/** A document's own bootstrap intervals and what they were computed under. */
export interface DocumentFrameIntervals {
  readonly resamples: number
  readonly seed: number
  /** The codebook's frame ids, sorted: the frames the bounds are given for. */
  readonly frame_ids: ReadonlyArray<string>
  /** Low and high bound of each frame in turn; null where no resample drew a token. */
  readonly bounds: ReadonlyArray<number | null>
}
