// Two-stage bootstrap of hits per 1,000 tokens: documents are drawn with replacement within the
// unit, then each drawn document's sentences with replacement. It works from per-sentence counts
// only, for every frame at once, and its PRNG is seeded from the run's seed and the unit's name so
// that a unit's interval does not depend on which other units exist or on input order.
//
// This is the hot loop of the measure stage (every resample draws every sentence of the unit), so
// the unit's documents are laid end to end in typed arrays and the generator runs inline on local
// variables. The draws are exactly those of pure-rand's xoroshiro128plus (test/measure-stats checks
// the two streams agree), so the published intervals do not depend on this rewrite.
import { quantileOfUnsorted } from "./quantile.ts"

/**
 * One document's per-sentence counts, the frame hits stored sparsely (most sentences hit no frame):
 * sentence s has hits[k] hits of frame frames[k] for k from offsets[s] to offsets[s + 1] - 1.
 */
export interface BootstrapDocument {
  /** Non-punctuation tokens of each sentence. */
  readonly sentenceTokens: Float64Array | Int32Array
  readonly offsets: Int32Array
  readonly frames: Int32Array
  readonly hits: Float64Array | Int32Array
}

/**
 * A unit's documents (in doc_id order) laid end to end: document d owns sentences
 * first[d] to first[d + 1] - 1, and sentence s the hits offsets[s] to offsets[s + 1] - 1.
 */
export interface BootstrapUnit {
  readonly first: Int32Array
  readonly sentenceTokens: Float64Array
  readonly offsets: Int32Array
  readonly frames: Int32Array
  readonly hits: Float64Array
}

export interface BootstrapOptions {
  readonly resamples: number
  readonly seed: number
}

export interface Interval {
  readonly low: number
  readonly high: number
}

// FNV-1a: a stable 32-bit hash, so the stream of a unit is fixed by its name.
const hash32 = (text: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash | 0
}

export const unitSeed = (seed: number, level: string, unit: string): number => hash32(`${seed}\u0000${level}\u0000${unit}`)

/** Buffers reused from one unit to the next (the bootstrap runs for thousands of units). */
const scratch = (() => {
  let drawn = new Int32Array(1024)
  let samples = new Float64Array(16 * 1024)
  return {
    /** zeroed by the caller before each use */
    drawn: (size: number): Int32Array => {
      if (drawn.length < size) drawn = new Int32Array(Math.max(size, drawn.length * 2))
      return drawn.subarray(0, size)
    },
    samples: (size: number): Float64Array => {
      if (samples.length < size) samples = new Float64Array(Math.max(size, samples.length * 2))
      return samples.subarray(0, size)
    }
  }
})()

/** Zeroed arrays for a unit of so many documents, sentences and hit entries. */
const emptyUnit = (documents: number, sentences: number, hitCount: number): BootstrapUnit => ({
  first: new Int32Array(documents + 1),
  sentenceTokens: new Float64Array(sentences),
  offsets: new Int32Array(sentences + 1),
  frames: new Int32Array(hitCount),
  hits: new Float64Array(hitCount)
})

/** Lays documents end to end (they keep their order: the draws index it). */
export const packDocuments = (documents: ReadonlyArray<BootstrapDocument>): BootstrapUnit => {
  let sentences = 0
  let hitCount = 0
  for (const document of documents) {
    sentences += document.sentenceTokens.length
    hitCount += document.frames.length
  }
  const unit = emptyUnit(documents.length, sentences, hitCount)
  const { first, sentenceTokens, offsets, frames, hits } = unit
  let s = 0
  let h = 0
  documents.forEach((document, d) => {
    // each taken once: a record's arrays are views made as they are read
    const { sentenceTokens: documentTokens, offsets: documentOffsets, frames: documentFrames } = document
    first[d] = s
    sentenceTokens.set(documentTokens, s)
    for (let i = 0; i < documentTokens.length; i++) offsets[s + i] = h + documentOffsets[i]!
    frames.set(documentFrames, h)
    hits.set(document.hits, h)
    s += documentTokens.length
    h += documentFrames.length
  })
  first[documents.length] = s
  offsets[s] = h
  return unit
}

/**
 * The documents at `positions` (ascending) of documents laid end to end, laid end to end in turn:
 * the same arrays as packDocuments of those documents.
 */
export const gatherDocuments = (packed: BootstrapUnit, positions: ArrayLike<number>): BootstrapUnit => {
  let sentences = 0
  let hitCount = 0
  for (let k = 0; k < positions.length; k++) {
    const d = positions[k]!
    sentences += packed.first[d + 1]! - packed.first[d]!
    hitCount += packed.offsets[packed.first[d + 1]!]! - packed.offsets[packed.first[d]!]!
  }
  const unit = emptyUnit(positions.length, sentences, hitCount)
  const { first, sentenceTokens, offsets, frames, hits } = unit
  let s = 0
  let h = 0
  for (let k = 0; k < positions.length; k++) {
    const from = packed.first[positions[k]!]!
    const to = packed.first[positions[k]! + 1]!
    const hitsFrom = packed.offsets[from]!
    const hitsTo = packed.offsets[to]!
    first[k] = s
    sentenceTokens.set(packed.sentenceTokens.subarray(from, to), s)
    for (let i = from; i < to; i++) offsets[s + i - from] = h + packed.offsets[i]! - hitsFrom
    frames.set(packed.frames.subarray(hitsFrom, hitsTo), h)
    hits.set(packed.hits.subarray(hitsFrom, hitsTo), h)
    s += to - from
    h += hitsTo - hitsFrom
  }
  first[positions.length] = s
  offsets[s] = h
  return unit
}

/**
 * 95% percentile intervals of per_1k for each frame of one unit, null when no resample drew a
 * token. Resample r: for each of the unit's n documents draw one (index in [0, n)), then for each
 * of that document's m sentences draw one (index in [0, m)); a draw from a single item takes no
 * number from the generator. An index is one 32-bit output u scaled by multiply-shift,
 * floor((u + 2^31) * size / 2^32): exact in doubles, bias below size / 2^32, and several times
 * faster than rejection sampling. A resample that drew no tokens is left out.
 *
 * The draws only count how often each sentence was drawn; a frame's hits are then summed over
 * its own (sentence, hits) entries. Counts are whole numbers, so the sums, and so the rates, are
 * exactly those of adding each drawn sentence's hits in draw order.
 */
export const bootstrapUnitIntervals = (
  unit: BootstrapUnit,
  frameCount: number,
  options: { readonly resamples: number; readonly unitSeed: number }
): Array<Interval | null> => {
  const { first, sentenceTokens, offsets, frames, hits } = unit
  const documents = first.length - 1
  const sentences = sentenceTokens.length
  const resamples = Math.max(options.resamples, 0)
  // The hit entries regrouped by frame: frame f's are byFrame[f] to byFrame[f + 1] - 1.
  const byFrame = new Int32Array(frameCount + 1)
  for (let at = 0; at < frames.length; at++) byFrame[frames[at]! + 1]!++
  for (let f = 0; f < frameCount; f++) byFrame[f + 1]! += byFrame[f]!
  const entrySentence = new Int32Array(frames.length)
  const entryHits = new Float64Array(frames.length)
  const next = byFrame.slice(0, frameCount)
  for (let s = 0; s < sentences; s++) {
    for (let at = offsets[s]!; at < offsets[s + 1]!; at++) {
      const to = next[frames[at]!]!++
      entrySentence[to] = s
      entryHits[to] = hits[at]!
    }
  }
  // Frames without hits in the unit score 0 in every resample: no samples are kept for them.
  const scored: Array<number> = []
  for (let f = 0; f < frameCount; f++) if (byFrame[f + 1]! > byFrame[f]!) scored.push(f)
  const drawn = scratch.drawn(sentences) // times each sentence was drawn in this resample
  const samples = scratch.samples(scored.length * resamples)
  // xoroshiro128+ state, as pure-rand's xoroshiro128plus(seed) sets it up
  let s01 = -1
  let s00 = ~options.unitSeed
  let s11 = options.unitSeed | 0
  let s10 = 0
  let kept = 0
  for (let r = 0; r < resamples; r++) {
    drawn.fill(0)
    let tokens = 0
    for (let k = 0; k < documents; k++) {
      let d = 0
      if (documents !== 1) {
        const out = (s00 + s10) | 0
        const a0 = s10 ^ s00
        const a1 = s11 ^ s01
        const t00 = s00
        const t01 = s01
        s00 = (t00 << 24) ^ (t01 >>> 8) ^ a0 ^ (a0 << 16)
        s01 = (t01 << 24) ^ (t00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16))
        s10 = (a1 << 5) ^ (a0 >>> 27)
        s11 = (a0 << 5) ^ (a1 >>> 27)
        // floor by truncation: the value lies in [0, documents)
        d = (((out + 0x80000000) * documents) / 0x100000000) | 0
      }
      const from = first[d]!
      const size = first[d + 1]! - from
      for (let i = 0; i < size; i++) {
        let s = from
        if (size !== 1) {
          const out = (s00 + s10) | 0
          const a0 = s10 ^ s00
          const a1 = s11 ^ s01
          const t00 = s00
          const t01 = s01
          s00 = (t00 << 24) ^ (t01 >>> 8) ^ a0 ^ (a0 << 16)
          s01 = (t01 << 24) ^ (t00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16))
          s10 = (a1 << 5) ^ (a0 >>> 27)
          s11 = (a0 << 5) ^ (a1 >>> 27)
          s = from + ((((out + 0x80000000) * size) / 0x100000000) | 0)
        }
        tokens += sentenceTokens[s]!
        drawn[s]!++
      }
    }
    if (tokens === 0) continue
    for (let i = 0; i < scored.length; i++) {
      const f = scored[i]!
      let frameHits = 0
      const end = byFrame[f + 1]!
      for (let at = byFrame[f]!; at < end; at++) frameHits += drawn[entrySentence[at]!]! * entryHits[at]!
      // samples of the i-th scored frame at i * resamples ..< i * resamples + kept
      samples[i * resamples + kept] = (frameHits / tokens) * 1000
    }
    kept++
  }
  const intervals: Array<Interval | null> = []
  for (let f = 0, i = 0; f < frameCount; f++) {
    if (kept === 0) intervals.push(null)
    else if (scored[i] !== f) intervals.push({ low: 0, high: 0 })
    else {
      const sample = samples.subarray(i * resamples, i * resamples + kept)
      intervals.push({ low: quantileOfUnsorted(sample, 0.025), high: quantileOfUnsorted(sample, 0.975) })
      i++
    }
  }
  return intervals
}

/**
 * 95% percentile intervals of per_1k for each frame of one unit (documents sorted by doc_id),
 * null when no resample drew a token.
 */
export const bootstrapIntervals = (
  documents: ReadonlyArray<BootstrapDocument>,
  frameCount: number,
  options: BootstrapOptions & { readonly unitSeed: number }
): Array<Interval | null> => bootstrapUnitIntervals(packDocuments(documents), frameCount, options)
