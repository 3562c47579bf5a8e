// What the accumulator keeps of each document once its terms are summed: a few hundred bytes.
// Frame scores, entity salience and naming shares of every document and every group are computed
// from these records at the end; the bootstrap resamples their per-sentence counts. A document's
// own intervals are bootstrapped with its counts (measureDocument, in a worker), or else when it is
// added (as documents stream in, or in its shard), so that only the groups' are left for the end.
import type { BootstrapDocument, BootstrapOptions, Interval } from "./bootstrap.ts"
import { unitIntervals } from "./frames.ts"
import { cacheKey } from "../cache.ts"
import { own } from "./terms.ts"
import type { DocumentFrameIntervals, DocumentGroups, DocumentMeasures, EntityCount, NamingCount, SentenceFrameHits } from "./types.ts"

/**
 * A document's counts. Each array is a view made as it is read (a record keeps where its numbers
 * are, in its RecordArena): take it once, not once per element.
 */
export interface DocumentRecord extends BootstrapDocument {
  readonly groups: DocumentGroups
  /** Non-punctuation tokens (DocumentMeasures.tokens). */
  readonly tokens: number
  /** Per sentence, in sentence order. */
  readonly sentenceTokens: Int32Array
  /** Hits of the codebook's frames, sparse: see BootstrapDocument; frames number the sorted frame ids. */
  readonly offsets: Int32Array
  readonly frames: Int32Array
  readonly hits: Int32Array
  /** Pairs (entity name number in RecordNames.entities, mentions), in the measured order. */
  readonly entityCounts: Int32Array
  /** Pairs (variant number in RecordNames.variants, matches), in the measured order. */
  readonly namingCounts: Int32Array
  /**
   * The document's own bootstrap intervals (its frame_scores rows) under the accumulator's
   * bootstrap options, carried by its measures or worked out when it is added: low and high per
   * frame, NaN where there is none.
   */
  readonly intervals: Float64Array
}

/** Numbers a chunk of a RecordArena holds (unless one record needs more). */
const ARENA_CHUNK = 1 << 16

/**
 * Appends runs of numbers end to end into chunks of ARENA_CHUNK, a run never split between chunks.
 * A record's arrays would otherwise each have their own buffer, whose bookkeeping outside the heap
 * costs several times the numbers of a typical document; thousands of records then grow a run's
 * memory by kilobytes each.
 */
class ChunkedNumbers<A extends Int32Array | Float64Array> {
  private chunk: A
  private used = 0

  constructor(
    private readonly create: (length: number) => A,
    private readonly chunkLength: number
  ) {
    this.chunk = create(0)
  }

  /** Room for `length` numbers: the chunk holding them and where they start. */
  take(length: number): { readonly chunk: A; readonly at: number } {
    if (this.used + length > this.chunk.length) {
      this.chunk = this.create(Math.max(length, this.chunkLength))
      this.used = 0
    }
    const at = this.used
    this.used += length
    return { chunk: this.chunk, at }
  }
}

/** Where a run's document records keep their numbers. */
export class RecordArena {
  readonly counts: ChunkedNumbers<Int32Array>
  readonly bounds: ChunkedNumbers<Float64Array>

  constructor(chunkLength: number) {
    this.counts = new ChunkedNumbers((length) => new Int32Array(length), chunkLength)
    this.bounds = new ChunkedNumbers((length) => new Float64Array(length), chunkLength)
  }
}

/** An empty arena; `chunkLength` other than the default only to test records across chunks. */
export const createRecordArena = (chunkLength: number = ARENA_CHUNK): RecordArena => new RecordArena(chunkLength)

/**
 * A record's counts lie end to end in one chunk: sentence tokens (one per sentence), hit offsets
 * (one more), hit frames, hits, entity pairs, naming pairs; its intervals in a chunk of bounds.
 */
class ArenaRecord implements DocumentRecord {
  constructor(
    readonly groups: DocumentGroups,
    readonly tokens: number,
    private readonly counts: Int32Array,
    private readonly at: number,
    private readonly sentences: number,
    private readonly hitEntries: number,
    private readonly entityNumbers: number,
    private readonly namingNumbers: number,
    private readonly bounds: Float64Array,
    private readonly boundsAt: number,
    private readonly boundCount: number
  ) {}

  get sentenceTokens(): Int32Array {
    return this.counts.subarray(this.at, this.at + this.sentences)
  }

  get offsets(): Int32Array {
    const from = this.at + this.sentences
    return this.counts.subarray(from, from + this.sentences + 1)
  }

  get frames(): Int32Array {
    const from = this.at + 2 * this.sentences + 1
    return this.counts.subarray(from, from + this.hitEntries)
  }

  get hits(): Int32Array {
    const from = this.at + 2 * this.sentences + 1 + this.hitEntries
    return this.counts.subarray(from, from + this.hitEntries)
  }

  get entityCounts(): Int32Array {
    const from = this.at + 2 * this.sentences + 1 + 2 * this.hitEntries
    return this.counts.subarray(from, from + this.entityNumbers)
  }

  get namingCounts(): Int32Array {
    const from = this.at + 2 * this.sentences + 1 + 2 * this.hitEntries + this.entityNumbers
    return this.counts.subarray(from, from + this.namingNumbers)
  }

  get intervals(): Float64Array {
    return this.bounds.subarray(this.boundsAt, this.boundsAt + this.boundCount)
  }
}

/** A record of these counts, copied into the arena. */
const storedRecord = (
  arena: RecordArena,
  groups: DocumentGroups,
  tokens: number,
  parts: SentenceCounts & Pick<DocumentRecord, "entityCounts" | "namingCounts">,
  intervals: Float64Array
): DocumentRecord => {
  const ordered = [parts.sentenceTokens, parts.offsets, parts.frames, parts.hits, parts.entityCounts, parts.namingCounts]
  const { chunk, at } = arena.counts.take(ordered.reduce((sum, part) => sum + part.length, 0))
  let next = at
  for (const part of ordered) {
    chunk.set(part, next)
    next += part.length
  }
  const stored = arena.bounds.take(intervals.length)
  stored.chunk.set(intervals, stored.at)
  return new ArenaRecord(
    groups,
    tokens,
    chunk,
    at,
    parts.sentenceTokens.length,
    parts.frames.length,
    parts.entityCounts.length,
    parts.namingCounts.length,
    stored.chunk,
    stored.at,
    intervals.length
  )
}

/** The codebook's frames, sorted: records number them by position. */
export interface FrameNumbers {
  /** Sorted. */
  readonly ids: ReadonlyArray<string>
  readonly index: ReadonlyMap<string, number>
  readonly count: number
}

// Made once per list of frames (a run's codebook), not once per document.
const numbered = new WeakMap<ReadonlyArray<{ readonly id: string }>, FrameNumbers>()

export const frameNumbers = (frames: ReadonlyArray<{ readonly id: string }>): FrameNumbers => {
  const cached = numbered.get(frames)
  if (cached !== undefined) return cached
  const ids = frames.map((frame) => frame.id).sort()
  const numbers = { ids, index: new Map(ids.map((id, i) => [id, i])), count: ids.length }
  numbered.set(frames, numbers)
  return numbers
}

/** Values numbered as they are first seen, so that a record keeps a number where it had strings. */
export class Interner<T> {
  private readonly numbers = new Map<string, number>()
  private readonly values: Array<T> = []

  constructor(
    private readonly keyOf: (value: T) => string,
    /** What is kept of a value first seen: a copy that holds on to nothing else. */
    private readonly copy: (value: T) => T
  ) {}

  get size(): number {
    return this.values.length
  }

  numberOf(value: T): number {
    const key = this.keyOf(value)
    let number = this.numbers.get(key)
    if (number === undefined) {
      number = this.values.length
      this.numbers.set(key, number)
      this.values.push(this.copy(value))
    }
    return number
  }

  /** The number of a value already seen, else undefined. */
  find(value: T): number | undefined {
    return this.numbers.get(this.keyOf(value))
  }

  valueOf(number: number): T {
    return this.values[number]!
  }
}

export type EntityName = Omit<EntityCount, "mentions">
export type VariantName = Omit<NamingCount, "count">

/** The entity names and naming variants of an accumulator's records. */
export interface RecordNames {
  readonly entities: Interner<EntityName>
  readonly variants: Interner<VariantName>
}

export const createRecordNames = (): RecordNames => ({
  entities: new Interner(
    ({ entity_id, canonical, type }) => `${entity_id}\u0001${canonical}\u0001${type}`,
    ({ entity_id, canonical, type }) => ({ entity_id: own(entity_id), canonical: own(canonical), type })
  ),
  variants: new Interner(
    ({ concept, variant }) => `${concept}\u0001${variant}`,
    ({ concept, variant }) => ({ concept: own(concept), variant: own(variant) })
  )
})

/** Pairs (number, count) for counted values; throws on a count an Int32Array could not hold exactly. */
const countPairs = <T>(entries: ReadonlyArray<T>, numberOf: (entry: T) => number, countOf: (entry: T) => number, what: string): Int32Array => {
  const pairs = new Int32Array(2 * entries.length)
  entries.forEach((entry, i) => {
    const count = countOf(entry)
    if (!isCount(count)) throw new Error(`measure: ${what} has a count of ${count}`)
    pairs[2 * i] = numberOf(entry)
    pairs[2 * i + 1] = count
  })
  return pairs
}

/** A document in a partial result: its groups and the counts the record is made from. */
export interface PartialDocument {
  readonly doc_id: string
  readonly outlet: string | null
  readonly country: string | null
  readonly camp: string | null
  readonly tokens: number
  readonly sentence_tokens: ReadonlyArray<number>
  /** Hits of the codebook's frames, ordered by sentence, then as measured. */
  readonly sentence_frame_hits: ReadonlyArray<SentenceFrameHits>
  readonly entities: ReadonlyArray<EntityCount>
  readonly naming: ReadonlyArray<NamingCount>
  /** DocumentRecord.intervals, null for NaN, under the partial's bootstrap options. */
  readonly intervals: ReadonlyArray<number | null>
}

const MAX_INT32 = 0x7fffffff

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_INT32

type SentenceCounts = Pick<DocumentRecord, "sentenceTokens" | "offsets" | "frames" | "hits">

/**
 * A document's per-sentence counts as the bootstrap reads them; throws on counts the typed arrays
 * could not hold exactly. Frame hits of frames not in `frames` are left out.
 */
const sentenceCounts = (measures: Pick<DocumentMeasures, "doc_id" | "sentence_tokens" | "sentence_frame_hits">, frames: FrameNumbers): SentenceCounts => {
  const frameIndex = frames.index
  const docId = measures.doc_id
  const sentences = measures.sentence_tokens.length
  const sentenceTokens = new Int32Array(sentences)
  measures.sentence_tokens.forEach((tokens, s) => {
    if (!isCount(tokens)) throw new Error(`measure: sentence ${s} of ${docId} has ${tokens} tokens`)
    sentenceTokens[s] = tokens
  })
  const hitsOfKnownFrames = measures.sentence_frame_hits.filter((entry) => frameIndex.has(entry.frame_id))
  for (const { sentence, frame_id, hits } of hitsOfKnownFrames) {
    if (!Number.isInteger(sentence) || sentence < 0 || sentence >= sentences) {
      throw new Error(`measure: ${docId} has frame hits in sentence ${sentence} but ${sentences} sentences`)
    }
    if (!isCount(hits)) throw new Error(`measure: sentence ${sentence} of ${docId} has ${hits} hits of ${frame_id}`)
  }
  hitsOfKnownFrames.sort((a, b) => a.sentence - b.sentence) // stable: within a sentence, the measured order
  const offsets = new Int32Array(sentences + 1)
  for (const { sentence } of hitsOfKnownFrames) offsets[sentence + 1]!++
  for (let s = 0; s < sentences; s++) offsets[s + 1]! += offsets[s]!
  return {
    sentenceTokens,
    offsets,
    frames: Int32Array.from(hitsOfKnownFrames, (entry) => frameIndex.get(entry.frame_id)!),
    hits: Int32Array.from(hitsOfKnownFrames, (entry) => entry.hits)
  }
}

/** A document's own intervals as a record keeps them: bootstrapped from its stream alone. */
const ownIntervals = (docId: string, counts: SentenceCounts, frames: FrameNumbers, bootstrap: BootstrapOptions): Float64Array =>
  packIntervals(unitIntervals({ groupBy: "document", group: docId, documents: [counts] }, frames.count, bootstrap))

/**
 * The record of one document; throws on counts the typed arrays could not hold exactly. Frame hits
 * of frames the codebook does not have are left out (the codebook decides which frames are scored).
 * Its intervals are bootstrapped under `bootstrap`, unless `known` (from a partial, or carried by
 * the measures) gives them.
 */
export const documentRecord = (
  arena: RecordArena,
  groups: DocumentGroups,
  measures: Pick<DocumentMeasures, "doc_id" | "tokens" | "sentence_tokens" | "sentence_frame_hits" | "entities" | "naming">,
  frames: FrameNumbers,
  names: RecordNames,
  bootstrap: BootstrapOptions,
  known: Float64Array | null = null
): DocumentRecord => {
  const docId = measures.doc_id
  if (groups.doc_id !== docId) throw new Error(`measure: groups of ${groups.doc_id} paired with measures of ${docId}`)
  if (typeof measures.tokens !== "number" || !Number.isFinite(measures.tokens)) throw new Error(`measure: ${docId} has ${measures.tokens} tokens`)
  const counts = {
    ...sentenceCounts(measures, frames),
    entityCounts: countPairs(measures.entities, (entity) => names.entities.numberOf(entity), (entity) => entity.mentions, `an entity of ${docId}`),
    namingCounts: countPairs(measures.naming, (naming) => names.variants.numberOf(naming), (naming) => naming.count, `a naming variant of ${docId}`)
  }
  const intervals = known ?? ownIntervals(docId, counts, frames, bootstrap)
  const ownGroups = { doc_id: docId, outlet: groups.outlet, country: groups.country, camp: groups.camp }
  return storedRecord(arena, ownGroups, measures.tokens, counts, intervals)
}

/** What DocumentMeasures.frame_intervals holds: the document's own intervals under `bootstrap`. */
export const documentFrameIntervals = (
  measures: Pick<DocumentMeasures, "doc_id" | "sentence_tokens" | "sentence_frame_hits">,
  frames: FrameNumbers,
  bootstrap: BootstrapOptions
): DocumentFrameIntervals => {
  const intervals = ownIntervals(measures.doc_id, sentenceCounts(measures, frames), frames, bootstrap)
  return {
    resamples: bootstrap.resamples,
    seed: bootstrap.seed,
    frame_ids: frames.ids,
    bounds: Array.from(intervals, (bound) => (Number.isNaN(bound) ? null : bound))
  }
}

/** What a document's own intervals were bootstrapped from, whatever the codebook (reusedFrameIntervals). */
const intervalsKey = (measures: Pick<DocumentMeasures, "doc_id" | "sentence_tokens" | "sentence_frame_hits">, bootstrap: BootstrapOptions): string =>
  cacheKey("document frame intervals", bootstrap.resamples, bootstrap.seed, measures.doc_id, measures.sentence_tokens, measures.sentence_frame_hits)

/**
 * A document's own intervals as kept by reusedFrameIntervals: the bounds of each frame it has hits of,
 * and the bounds every frame without hits gets (0 and 0, or none when no resample drew a token;
 * undefined if the codebook had no frame).
 */
export interface KeptFrameIntervals {
  readonly hit: ReadonlyArray<readonly [frameId: string, low: number | null, high: number | null]>
  readonly noHits: number | null | undefined
}

export interface FrameIntervalStore {
  readonly get: (key: string) => KeptFrameIntervals | undefined
  readonly put: (key: string, intervals: KeptFrameIntervals) => void
}

const keptOf = (intervals: DocumentFrameIntervals, hitFrames: ReadonlySet<string>): KeptFrameIntervals => ({
  hit: intervals.frame_ids.flatMap((id, f) => (hitFrames.has(id) ? [[id, intervals.bounds[2 * f]!, intervals.bounds[2 * f + 1]!] as const] : [])),
  noHits: intervals.bounds.length === 0 ? undefined : intervals.bounds[0] === null ? null : 0
})

/** The kept intervals for these frames, or undefined if a frame without hits needs what was not kept. */
const fromKept = (kept: KeptFrameIntervals, frames: FrameNumbers, bootstrap: BootstrapOptions): DocumentFrameIntervals | undefined => {
  const hit = new Map(kept.hit.map(([id, low, high]) => [id, [low, high] as const]))
  const bounds: Array<number | null> = []
  for (const id of frames.ids) {
    const known = hit.get(id) ?? (kept.noHits === undefined ? undefined : [kept.noHits, kept.noHits] as const)
    if (known === undefined) return undefined
    bounds.push(known[0], known[1])
  }
  return { resamples: bootstrap.resamples, seed: bootstrap.seed, frame_ids: frames.ids, bounds }
}

/**
 * documentFrameIntervals, taken from `store` when the document was bootstrapped before with the same
 * tokens per sentence and the same hits (under any codebook: the resampling is fixed by the document's
 * id and sentences, and a frame's interval then depends on that frame's hits only), and put there when
 * not; so an edit of the framing codebook bootstraps again only the documents whose hits it changed.
 */
export const reusedFrameIntervals = (
  measures: Pick<DocumentMeasures, "doc_id" | "sentence_tokens" | "sentence_frame_hits">,
  frames: FrameNumbers,
  bootstrap: BootstrapOptions,
  store: FrameIntervalStore
): DocumentFrameIntervals => {
  const key = intervalsKey(measures, bootstrap)
  const kept = store.get(key)
  const reused = kept === undefined ? undefined : fromKept(kept, frames, bootstrap)
  if (reused !== undefined) return reused
  const computed = documentFrameIntervals(measures, frames, bootstrap)
  store.put(key, keptOf(computed, new Set(measures.sentence_frame_hits.map(({ frame_id }) => frame_id))))
  return computed
}

/**
 * The intervals a document's measures carry, as DocumentRecord.intervals, if they were worked out
 * under `bootstrap` for these frames; else null (the record then bootstraps its own).
 */
export const carriedIntervals = (
  measures: Pick<DocumentMeasures, "doc_id" | "frame_intervals">,
  frames: FrameNumbers,
  bootstrap: BootstrapOptions
): Float64Array | null => {
  const carried = measures.frame_intervals
  if (carried === undefined || carried.resamples !== bootstrap.resamples || carried.seed !== bootstrap.seed) return null
  if (carried.frame_ids.length !== frames.count || carried.frame_ids.some((id, f) => id !== frames.ids[f])) return null
  if (carried.bounds.length !== 2 * frames.count || carried.bounds.some((bound) => bound !== null && typeof bound !== "number")) {
    throw new Error(`measure: the frame_intervals of ${measures.doc_id} hold ${carried.bounds.length} bounds for ${frames.count} frames, or one that is not a number`)
  }
  return Float64Array.from(carried.bounds, (bound) => bound ?? NaN)
}

const packIntervals = (intervals: ReadonlyArray<Interval | null>): Float64Array => {
  const packed = new Float64Array(2 * intervals.length)
  intervals.forEach((interval, f) => {
    packed[2 * f] = interval?.low ?? NaN
    packed[2 * f + 1] = interval?.high ?? NaN
  })
  return packed
}

/** A record's own intervals, as frameScoreRows takes them. */
export const recordIntervals = (record: DocumentRecord): Array<Interval | null> => {
  const intervals = record.intervals
  return Array.from({ length: intervals.length / 2 }, (_, f) =>
    Number.isNaN(intervals[2 * f]) ? null : { low: intervals[2 * f]!, high: intervals[2 * f + 1]! }
  )
}

/** A record's entity counts as measured. */
export const recordEntities = (record: DocumentRecord, names: RecordNames): Array<EntityCount> => {
  const entities: Array<EntityCount> = []
  const pairs = record.entityCounts
  for (let i = 0; i < pairs.length; i += 2) {
    const { entity_id, canonical, type } = names.entities.valueOf(pairs[i]!)
    entities.push({ entity_id, canonical, type, mentions: pairs[i + 1]! })
  }
  return entities
}

/** A record's naming counts as measured. */
export const recordNaming = (record: DocumentRecord, names: RecordNames): Array<NamingCount> => {
  const naming: Array<NamingCount> = []
  const pairs = record.namingCounts
  for (let i = 0; i < pairs.length; i += 2) {
    const { concept, variant } = names.variants.valueOf(pairs[i]!)
    naming.push({ concept, variant, count: pairs[i + 1]! })
  }
  return naming
}

export const recordToJSON = (record: DocumentRecord, frameIds: ReadonlyArray<string>, names: RecordNames): PartialDocument => {
  const sentenceFrameHits: Array<SentenceFrameHits> = []
  const { sentenceTokens, offsets, frames, hits } = record
  for (let s = 0; s < sentenceTokens.length; s++) {
    for (let k = offsets[s]!; k < offsets[s + 1]!; k++) {
      sentenceFrameHits.push({ sentence: s, frame_id: frameIds[frames[k]!]!, hits: hits[k]! })
    }
  }
  return {
    doc_id: record.groups.doc_id,
    outlet: record.groups.outlet,
    country: record.groups.country,
    camp: record.groups.camp,
    tokens: record.tokens,
    sentence_tokens: Array.from(sentenceTokens),
    sentence_frame_hits: sentenceFrameHits,
    entities: recordEntities(record, names),
    naming: recordNaming(record, names),
    intervals: Array.from(record.intervals, (value) => (Number.isNaN(value) ? null : value))
  }
}

/**
 * A document of a partial result back as a record; its intervals are taken over when the partial
 * was made under the same bootstrap options (`sameBootstrap`), else worked out again.
 */
export const recordFromJSON = (
  arena: RecordArena,
  document: PartialDocument,
  frames: FrameNumbers,
  names: RecordNames,
  bootstrap: BootstrapOptions,
  sameBootstrap: boolean
): DocumentRecord => {
  const unknown = document.sentence_frame_hits.find((entry) => !frames.index.has(entry.frame_id))
  if (unknown !== undefined) throw new Error(`measure: the partial's document ${document.doc_id} has hits of frame ${unknown.frame_id}, which the codebook does not have`)
  if (document.intervals.length !== 2 * frames.count) throw new Error(`measure: the partial's document ${document.doc_id} has ${document.intervals.length} interval bounds for ${frames.count} frames`)
  return documentRecord(
    arena,
    { doc_id: document.doc_id, outlet: document.outlet, country: document.country, camp: document.camp },
    document,
    frames,
    names,
    bootstrap,
    sameBootstrap ? Float64Array.from(document.intervals, (value) => value ?? NaN) : null
  )
}
