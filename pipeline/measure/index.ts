// The measure stage in two steps:
//   measureDocument: one annotated document → small JSON counts (runs per document, in workers, cached);
//   aggregateMeasures: everyone's counts → the group-level tables, the same whatever the input order.
import { entitySalience } from "../../schemas/entity_salience.ts"
import { frameHits } from "../../schemas/frame_hits.ts"
import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, frameScores } from "../../schemas/frame_scores.ts"
import { KEYNESS_MIN_FREQUENCY, keyness } from "../../schemas/keyness.ts"
import { namingVariants } from "../../schemas/naming_variants.ts"
import { compareRows, type Row } from "../../schemas/table.ts"
import { PUBLISHED_SIGNIFICANT_DIGITS, termFrequencies } from "../../schemas/term_frequencies.ts"
import type { BootstrapDocument } from "./bootstrap.ts"
import type { CompiledMeasureCodebooks } from "./codebooks.ts"
import { countWords, tokensBySentence } from "./document.ts"
import { countEntities, entitySalienceRows } from "./entities.ts"
import { bootstrapDocument, frameScoreRows, measureFrames } from "./frames.ts"
import { membersByGroup } from "./groups.ts"
import { keynessRows } from "./keyness.ts"
import { countNaming, namingVariantRows } from "./naming.ts"
import { countTerms, sumTerms, termFrequencyRows } from "./terms.ts"
import type { AnnotatedDocument, DocumentGroups, DocumentMeasures } from "./types.ts"

export { compileMeasureCodebooks, type CompiledMeasureCodebooks } from "./codebooks.ts"
export { frameLexiconRows } from "./frames.ts"
export type { AnnotatedDocument, DocumentGroups, DocumentMeasures } from "./types.ts"
export { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, KEYNESS_MIN_FREQUENCY, PUBLISHED_SIGNIFICANT_DIGITS }

/** Counts one document: no group-level figure, nothing that depends on other documents. */
export const measureDocument = (doc: AnnotatedDocument, codebooks: CompiledMeasureCodebooks): DocumentMeasures => {
  const docId = doc.document.doc_id
  const sentences = tokensBySentence(doc)
  const sentenceTokens = sentences.map((sentence) => countWords(sentence.tokens))
  const frames = measureFrames(docId, doc.text, sentences, codebooks.frames.frames)
  return {
    doc_id: docId,
    tokens: sentenceTokens.reduce((sum, n) => sum + n, 0),
    terms: countTerms(sentences),
    sentence_tokens: sentenceTokens,
    sentence_frame_hits: frames.sentence_frame_hits,
    entities: countEntities(doc.entities),
    naming: countNaming(sentences, codebooks.naming.concepts),
    frame_hits: frames.frame_hits
  }
}

export interface AggregateOptions {
  readonly codebooks: CompiledMeasureCodebooks
  /** Bootstrap resamples per unit (default BOOTSTRAP_RESAMPLES). */
  readonly resamples?: number
  /** Bootstrap seed (default BOOTSTRAP_SEED). */
  readonly seed?: number
  /** Minimum corpus frequency of a keyness term (default KEYNESS_MIN_FREQUENCY). */
  readonly keynessMinFrequency?: number
}

export interface MeasureTables {
  readonly term_frequencies: Array<Row<typeof termFrequencies>>
  readonly keyness: Array<Row<typeof keyness>>
  readonly entity_salience: Array<Row<typeof entitySalience>>
  readonly frame_scores: Array<Row<typeof frameScores>>
  readonly naming_variants: Array<Row<typeof namingVariants>>
}

export type MeasuredDocument = { readonly groups: DocumentGroups; readonly measures: DocumentMeasures }

const byDocId = (perDocument: ReadonlyArray<MeasuredDocument>): Array<MeasuredDocument> => {
  const sorted = [...perDocument].sort((a, b) => (a.groups.doc_id < b.groups.doc_id ? -1 : a.groups.doc_id > b.groups.doc_id ? 1 : 0))
  sorted.forEach(({ groups, measures }, i) => {
    if (groups.doc_id !== measures.doc_id) throw new Error(`measure: groups of ${groups.doc_id} paired with measures of ${measures.doc_id}`)
    if (i > 0 && sorted[i - 1]!.groups.doc_id === groups.doc_id) throw new Error(`measure: document ${groups.doc_id} given twice`)
  })
  return sorted
}

/** The group-level tables, each in its table's documented order. */
export const aggregateMeasures = (perDocument: ReadonlyArray<MeasuredDocument>, options: AggregateOptions): MeasureTables => {
  const documents = byDocId(perDocument)
  const terms = sumTerms(documents)
  const units = membersByGroup(documents, true)
  const frameIds = options.codebooks.frames.frames.map((frame) => frame.id).sort()
  const layouts = new Map<string, BootstrapDocument>()
  const layout = (measures: DocumentMeasures) => {
    const cached = layouts.get(measures.doc_id) ?? bootstrapDocument(measures, frameIds)
    layouts.set(measures.doc_id, cached)
    return cached
  }
  const bootstrap = { resamples: options.resamples ?? BOOTSTRAP_RESAMPLES, seed: options.seed ?? BOOTSTRAP_SEED }
  return {
    term_frequencies: termFrequencyRows(terms).sort(compareRows(termFrequencies)),
    keyness: keynessRows(terms, options.keynessMinFrequency ?? KEYNESS_MIN_FREQUENCY).sort(compareRows(keyness)),
    entity_salience: entitySalienceRows(units, documents.map((d) => d.measures)).sort(compareRows(entitySalience)),
    frame_scores: units.flatMap((unit) => frameScoreRows(unit, frameIds, layout, bootstrap)).sort(compareRows(frameScores)),
    naming_variants: namingVariantRows(units, options.codebooks.naming.concepts).sort(compareRows(namingVariants))
  }
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
