// Two-stage bootstrap of hits per 1,000 tokens: documents are drawn with replacement within the
// unit, then each drawn document's sentences with replacement. It works from per-sentence counts
// only, for every frame at once, and its PRNG is seeded from the run's seed and the unit's name so
// that a unit's interval does not depend on which other units exist or on input order.
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus"
import { quantileOfSorted } from "./stats.ts"

/**
 * One document's per-sentence counts, the frame hits stored sparsely (most sentences hit no frame):
 * sentence s has hits[k] hits of frame frames[k] for k from offsets[s] to offsets[s + 1] - 1.
 */
export interface BootstrapDocument {
  /** Non-punctuation tokens of each sentence. */
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

/** One resample's pooled per-1,000 rate for every frame into `rates`; false when it drew no tokens. */
const resampleOnce = (
  documents: ReadonlyArray<BootstrapDocument>,
  frameCount: number,
  draw: (size: number) => number,
  hits: Float64Array,
  rates: Float64Array
): boolean => {
  hits.fill(0)
  let tokens = 0
  for (let k = 0; k < documents.length; k++) {
    const document = documents[draw(documents.length)]!
    const sentences = document.sentenceTokens.length
    for (let s = 0; s < sentences; s++) {
      const drawn = draw(sentences)
      tokens += document.sentenceTokens[drawn]!
      for (let at = document.offsets[drawn]!; at < document.offsets[drawn + 1]!; at++) {
        hits[document.frames[at]!]! += document.hits[at]!
      }
    }
  }
  if (tokens === 0) return false
  for (let f = 0; f < frameCount; f++) rates[f] = (hits[f]! / tokens) * 1000
  return true
}

/**
 * 95% percentile intervals of per_1k for each frame of one unit (documents sorted by doc_id),
 * null when no resample drew a token.
 */
export const bootstrapIntervals = (
  documents: ReadonlyArray<BootstrapDocument>,
  frameCount: number,
  options: BootstrapOptions & { readonly unitSeed: number }
): Array<Interval | null> => {
  const rng = xoroshiro128plus(options.unitSeed)
  // A uniform index in [0, size) from one 32-bit draw by multiply-shift: exact in doubles, bias
  // below size / 2^32, and several times faster than rejection sampling, which matters here
  // (every resample draws every sentence of the unit). A single item needs no draw.
  const draw = (size: number) => (size === 1 ? 0 : Math.floor(((rng.next() + 0x80000000) * size) / 0x100000000))
  const samples = Array.from({ length: frameCount }, () => new Float64Array(options.resamples))
  const hits = new Float64Array(frameCount)
  const rates = new Float64Array(frameCount)
  let kept = 0
  for (let r = 0; r < options.resamples; r++) {
    if (!resampleOnce(documents, frameCount, draw, hits, rates)) continue
    for (let f = 0; f < frameCount; f++) samples[f]![kept] = rates[f]!
    kept++
  }
  return samples.map((sample) => {
    if (kept === 0) return null
    const sorted = sample.subarray(0, kept).sort()
    return { low: quantileOfSorted(sorted, 0.025), high: quantileOfSorted(sorted, 0.975) }
  })
}
