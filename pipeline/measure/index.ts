// The measure stage in two steps:
//   measureDocument: one annotated document → small JSON counts (runs per document, in workers, cached);
//   a MeasureAccumulator: each document's counts folded in as it streams past, then the group-level
//   tables once at the end, the same whatever the input order (accumulator.ts). Accumulators of
//   disjoint shards of the corpus merge, through plain JSON partials, into the single run's tables.
import { frameHits } from "../../schemas/frame_hits.ts"
import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED } from "../../schemas/frame_scores.ts"
import { KEYNESS_MIN_FREQUENCY } from "../../schemas/keyness.ts"
import { compareRows, type Row } from "../../schemas/table.ts"
import { PUBLISHED_SIGNIFICANT_DIGITS } from "../../schemas/term_frequencies.ts"
import { type BootstrapSettings, createMeasureAccumulator, type FinishOptions, type MeasureTables } from "./accumulator.ts"
import type { CompiledMeasureCodebooks } from "./codebooks.ts"
import { countWords, matchableSentences, tokensBySentence, type MatchableSentence } from "./document.ts"
import { countEntities } from "./entities.ts"
import { measureFrames } from "./frames.ts"
import { countNaming } from "./naming.ts"
import { documentFrameIntervals, type FrameIntervalStore, frameNumbers, reusedFrameIntervals } from "./record.ts"
import { countTerms } from "./terms.ts"
import type { AnnotatedDocument, DocumentGroups, DocumentMeasures, NamingCount } from "./types.ts"

export {
  accumulatorFromJSON,
  type BootstrapSettings,
  createMeasureAccumulator,
  type FinishOptions,
  MeasureAccumulator,
  type MeasurePartial,
  type MeasureRows,
  type MeasureTables,
  mergeAccumulators,
  type PendingMeasureRows
} from "./accumulator.ts"
export { INLINE_BELOW_DRAWS, PRESTART_FROM_DOCUMENTS, startBootstrapPool, type UnitBootstrapThreads, type UnitIntervalStore } from "./bootstrap-units.ts"
export { compileMeasureCodebooks, type CompiledMeasureCodebooks } from "./codebooks.ts"
export { frameLexiconRows } from "./frames.ts"
export { matchableSentences, packSentences, tokensBySentence, unpackSentences, type MatchableSentence, type PackedSentences } from "./document.ts"
export type { AnnotatedDocument, DocumentFrameIntervals, DocumentGroups, DocumentMeasures, NamingCount } from "./types.ts"
export { countNaming } from "./naming.ts"
export { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, KEYNESS_MIN_FREQUENCY, PUBLISHED_SIGNIFICANT_DIGITS }

/** A document's counts that no codebook shapes: the part of its measures a cache can keep. */
export type CodebookFreeCounts = Pick<DocumentMeasures, "doc_id" | "tokens" | "terms" | "sentence_tokens" | "entities">

export const countCodebookFree = (doc: AnnotatedDocument): CodebookFreeCounts => {
  const sentences = tokensBySentence(doc)
  const sentenceTokens = sentences.map((sentence) => countWords(sentence.tokens))
  return {
    doc_id: doc.document.doc_id,
    tokens: sentenceTokens.reduce((sum, n) => sum + n, 0),
    terms: countTerms(sentences),
    sentence_tokens: sentenceTokens,
    entities: countEntities(doc.entities)
  }
}

/**
 * Counts one document: no group-level figure, nothing that depends on other documents (`counts`, if
 * given, are its countCodebookFree, kept from an earlier run). Its own bootstrap intervals are worked
 * out here too, under `bootstrap` (the defaults unless the run changes them), so that they are computed
 * where documents are, in the workers, not when the accumulator folds the document in.
 */
export const measureDocument = (
  doc: AnnotatedDocument,
  codebooks: CompiledMeasureCodebooks,
  bootstrap: BootstrapSettings = {},
  counts: CodebookFreeCounts = countCodebookFree(doc)
): DocumentMeasures =>
  measureMatchable({ doc_id: doc.document.doc_id, text: doc.text, sentences: matchableSentences(tokensBySentence(doc)) }, codebooks, counts, bootstrap)

/** What the codebook-shaped counts read of a document: its clean text and its sentences' tokens. */
export interface MatchableDocument {
  readonly doc_id: string
  /** texts.text_clean: frame hits quote it. */
  readonly text: string
  /** In index order. */
  readonly sentences: ReadonlyArray<MatchableSentence>
}

/** A document's counts shaped by the framing codebook: its frame hits, per sentence too, and its own intervals. */
export type FrameCounts = Pick<DocumentMeasures, "frame_hits" | "sentence_frame_hits" | "frame_intervals">

export const countFrames = (
  doc: MatchableDocument,
  frames: CompiledMeasureCodebooks["frames"],
  counts: Pick<CodebookFreeCounts, "sentence_tokens">,
  bootstrap: BootstrapSettings = {},
  /** Intervals bootstrapped before, under any codebook (reusedFrameIntervals). */
  kept?: FrameIntervalStore
): FrameCounts => {
  const matched = measureFrames(doc.doc_id, doc.text, doc.sentences, frames.frames)
  const intervalSettings = { resamples: bootstrap.resamples ?? BOOTSTRAP_RESAMPLES, seed: bootstrap.seed ?? BOOTSTRAP_SEED }
  const frameCounts = { doc_id: doc.doc_id, sentence_tokens: counts.sentence_tokens, sentence_frame_hits: matched.sentence_frame_hits }
  const numbers = frameNumbers(frames.frames)
  return {
    frame_hits: matched.frame_hits,
    sentence_frame_hits: matched.sentence_frame_hits,
    frame_intervals: kept === undefined
      ? documentFrameIntervals(frameCounts, numbers, intervalSettings)
      : reusedFrameIntervals(frameCounts, numbers, intervalSettings, kept)
  }
}

/** A document's measures from its three kinds of counts: codebook-free, framing and naming. */
export const assembleMeasures = (counts: CodebookFreeCounts, frames: FrameCounts, naming: ReadonlyArray<NamingCount>): DocumentMeasures => ({
  doc_id: counts.doc_id,
  tokens: counts.tokens,
  terms: counts.terms,
  sentence_tokens: counts.sentence_tokens,
  sentence_frame_hits: frames.sentence_frame_hits,
  entities: counts.entities,
  naming,
  frame_hits: frames.frame_hits,
  ...(frames.frame_intervals === undefined ? {} : { frame_intervals: frames.frame_intervals })
})

/** measureDocument from the document's matchable sentences and its codebook-free counts. */
export const measureMatchable = (
  doc: MatchableDocument,
  codebooks: CompiledMeasureCodebooks,
  counts: CodebookFreeCounts,
  bootstrap: BootstrapSettings = {}
): DocumentMeasures =>
  assembleMeasures(counts, countFrames(doc, codebooks.frames, counts, bootstrap), countNaming(doc.sentences, codebooks.naming.concepts))

export interface AggregateOptions extends FinishOptions {
  readonly codebooks: CompiledMeasureCodebooks
}

export type MeasuredDocument = { readonly groups: DocumentGroups; readonly measures: DocumentMeasures }

/**
 * The group-level tables, each in its table's documented order, from documents already in memory:
 * an accumulator fed all of them. A pipeline streaming documents feeds its own accumulator instead.
 */
export const aggregateMeasures = (perDocument: Iterable<MeasuredDocument>, options: AggregateOptions): MeasureTables => {
  const { codebooks, ...finish } = options
  const accumulator = createMeasureAccumulator(codebooks, finish)
  for (const { groups, measures } of perDocument) accumulator.add(groups, measures)
  return accumulator.finish(finish)
}

/** What the manifest records about a measure run, so that its figures can be reproduced and cited. */
export const measureParameters = (options: AggregateOptions) => ({
  frames_codebook_version: options.codebooks.frames.version,
  naming_codebook_version: options.codebooks.naming.version,
  bootstrap_resamples: options.resamples ?? BOOTSTRAP_RESAMPLES,
  bootstrap_seed: options.seed ?? BOOTSTRAP_SEED,
  bootstrap_prng: "xoroshiro128+ (pure-rand), one stream per (level, unit) seeded by FNV-1a of seed, level and unit",
  bootstrap_interval: "95% percentile, linear interpolation",
  keyness_min_frequency: options.keynessMinFrequency ?? KEYNESS_MIN_FREQUENCY,
  significant_digits: PUBLISHED_SIGNIFICANT_DIGITS
})

/** The frame_hits table from every document's measures, in its documented order. */
export const frameHitRows = (perDocument: ReadonlyArray<DocumentMeasures>): Array<Row<typeof frameHits>> =>
  perDocument.flatMap((measures) => measures.frame_hits).sort(compareRows(frameHits))
