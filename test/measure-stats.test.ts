import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { bootstrapIntervals, type BootstrapDocument } from "../pipeline/measure/bootstrap.ts"
import { referenceBootstrapIntervals } from "./measure-reference.ts"
import { chiSquare1PValue, logRatio, quantileOfSorted, quantileOfUnsorted, roundPublished, signedG2 } from "../pipeline/measure/stats.ts"

describe("signed log-likelihood G² (Rayson & Garside 2000)", () => {
  it("matches a hand computation", () => {
    // a = 10 of c = 1000 target tokens, b = 20 of d = 4000 reference tokens.
    // E1 = 1000 * 30 / 5000 = 6, E2 = 4000 * 30 / 5000 = 24
    // G2 = 2 * (10 ln(10/6) + 20 ln(20/24)) = 2 * (5.108256 - 3.646431) = 2.923650
    expect(signedG2(10, 20, 1000, 4000)).toBeCloseTo(2.92365, 5)
  })

  it("reads 0 ln 0 as 0 and is negative when the term is rarer in the target", () => {
    // a = 0, b = 12, c = 1000, d = 2000: E2 = 2000 * 12 / 3000 = 8
    // G2 = 2 * 12 ln(12/8) = 24 * 0.405465 = 9.731163, negative since 0/1000 < 12/2000
    expect(signedG2(0, 12, 1000, 2000)).toBeCloseTo(-9.731163, 5)
  })

  it("is 0 when the relative frequencies are equal", () => {
    expect(signedG2(5, 10, 100, 200)).toBe(0)
  })

  it("has the sign of the difference in relative frequency and swaps sign when the corpora swap", () => {
    const counts = fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }))
    const totals = fc.tuple(fc.integer({ min: 500, max: 100_000 }), fc.integer({ min: 500, max: 100_000 }))
    fc.assert(
      fc.property(counts, totals, ([a, b], [c, d]) => {
        fc.pre(a + b > 0)
        const g2 = signedG2(a, b, c, d)
        expect(Math.sign(g2)).toBe(Math.sign(a / c - b / d))
        expect(signedG2(b, a, d, c)).toBeCloseTo(-g2, 9)
        expect(logRatio(b, a, d, c)).toBeCloseTo(-logRatio(a, b, c, d), 9)
      })
    )
  })
})

describe("Log Ratio (Hardie 2014)", () => {
  it("is the binary log of the ratio of relative frequencies", () => {
    // (10 / 1000) / (20 / 4000) = 0.01 / 0.005 = 2 → log2 = 1
    expect(logRatio(10, 20, 1000, 4000)).toBeCloseTo(1, 12)
  })

  it("replaces a zero count by 0.5", () => {
    // (0.5 / 1000) / (12 / 2000) = 0.0005 / 0.006 = 1/12 → log2 = -3.584963
    expect(logRatio(0, 12, 1000, 2000)).toBeCloseTo(-3.5849625, 6)
    // (8 / 1000) / (0.5 / 2000) = 32 → 5
    expect(logRatio(8, 0, 1000, 2000)).toBeCloseTo(5, 12)
  })
})

describe("chi-square p-value, one degree of freedom", () => {
  it.each([
    [3.841458820694124, 0.05],
    [6.634896601021214, 0.01],
    [10.827566170662733, 0.001],
    [1, 0.3173105078629141],
    [0.5, 0.4795001221869535]
  ])("P(X > %f) = %f", (x, p) => {
    expect(chiSquare1PValue(x)).toBeCloseTo(p, 12)
  })

  it("is 1 at 0 and falls towards 0", () => {
    expect(chiSquare1PValue(0)).toBe(1)
    expect(chiSquare1PValue(50)).toBeCloseTo(1.5374597944280349e-12, 20)
    expect(chiSquare1PValue(2000)).toBe(0)
  })

  it("gives the hand examples' p-values, erfc(sqrt(|G2| / 2))", () => {
    // erfc(sqrt(2.923650 / 2)) = erfc(1.209060) = 0.0872902 (Python: math.erfc)
    expect(chiSquare1PValue(signedG2(10, 20, 1000, 4000))).toBeCloseTo(0.0872902, 7)
    // erfc(sqrt(9.731163 / 2)) = erfc(2.205804) = 0.0018117
    expect(chiSquare1PValue(Math.abs(signedG2(0, 12, 1000, 2000)))).toBeCloseTo(0.0018117, 7)
  })
})

describe("published rounding and quantiles", () => {
  it("keeps 6 significant digits", () => {
    expect(roundPublished(2.9236502035)).toBe(2.92365)
    expect(roundPublished(-0.000123456789)).toBe(-0.000123457)
    expect(roundPublished(1234567.89)).toBe(1234570)
    expect(Object.is(roundPublished(-0), 0)).toBe(true)
  })

  it("interpolates between order statistics", () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5])
    expect(quantileOfSorted(sorted, 0.5)).toBe(3)
    expect(quantileOfSorted(sorted, 0.025)).toBeCloseTo(1.1, 12)
    expect(quantileOfSorted(sorted, 0.975)).toBeCloseTo(4.9, 12)
  })
})

/** A document whose sentence s has tokens[s] tokens and hits[s] hits of frame 0. */
const bootstrapDoc = (tokens: ReadonlyArray<number>, hits: ReadonlyArray<number>): BootstrapDocument => {
  const hit = hits.flatMap((h, s) => (h > 0 ? [{ s, h }] : []))
  const offsets = new Int32Array(tokens.length + 1)
  for (const { s } of hit) offsets[s + 1]!++
  for (let s = 0; s < tokens.length; s++) offsets[s + 1]! += offsets[s]!
  return {
    sentenceTokens: Float64Array.from(tokens),
    offsets,
    frames: Int32Array.from(hit, () => 0),
    hits: Float64Array.from(hit, ({ h }) => h)
  }
}

describe("two-stage bootstrap", () => {
  const varied = bootstrapDoc([10, 12, 8, 20, 15, 9, 11], [1, 0, 2, 0, 1, 0, 3])
  const other = bootstrapDoc([14, 16, 10], [0, 1, 0])

  it("gives the same interval for the same seed, and another for another seed", () => {
    const options = { resamples: 500, seed: 1, unitSeed: 42 }
    const first = bootstrapIntervals([varied, other], 1, options)
    expect(bootstrapIntervals([varied, other], 1, options)).toEqual(first)
    expect(bootstrapIntervals([varied, other], 1, { ...options, unitSeed: 43 })).not.toEqual(first)
  })

  it("contains the point estimate for typical data", () => {
    // pooled: 8 hits / 125 tokens * 1000 = 64
    const [interval] = bootstrapIntervals([varied, other], 1, { resamples: 1000, seed: 1, unitSeed: 7 })
    expect(interval).not.toBeNull()
    expect(interval!.low).toBeLessThan(64)
    expect(interval!.high).toBeGreaterThan(64)
  })

  it("collapses to the point when every sentence has the same rate (one document: sentences only)", () => {
    const uniform = bootstrapDoc([10, 10, 10, 10], [1, 1, 1, 1])
    const [interval] = bootstrapIntervals([uniform], 1, { resamples: 200, seed: 1, unitSeed: 3 })
    expect(interval!.low).toBeCloseTo(100, 9)
    expect(interval!.high).toBeCloseTo(100, 9)
  })

  it("spans the documents' rates when documents differ but their sentences do not", () => {
    const low = bootstrapDoc([10, 10], [0, 0])
    const high = bootstrapDoc([10, 10], [1, 1])
    const [interval] = bootstrapIntervals([low, high], 1, { resamples: 1000, seed: 1, unitSeed: 5 })
    expect(interval!.low).toBe(0)
    expect(interval!.high).toBe(100)
  })

  it("gives no interval when there are no tokens", () => {
    expect(bootstrapIntervals([bootstrapDoc([0, 0], [0, 0])], 1, { resamples: 50, seed: 1, unitSeed: 1 })).toEqual([null])
  })
})

describe("the bootstrap's fast path", () => {
  /** Random documents: some without sentences, sentences without tokens, several hits per sentence. */
  const documentArb = (frameCount: number) =>
    fc
      .array(
        fc.record({
          tokens: fc.integer({ min: 0, max: 40 }),
          hits: fc.array(fc.tuple(fc.integer({ min: 0, max: frameCount - 1 }), fc.integer({ min: 0, max: 4 })), { maxLength: 3 })
        }),
        { maxLength: 12 }
      )
      .map((sentences): BootstrapDocument => {
        const offsets = new Int32Array(sentences.length + 1)
        sentences.forEach((sentence, s) => (offsets[s + 1] = offsets[s]! + sentence.hits.length))
        return {
          sentenceTokens: Float64Array.from(sentences, (sentence) => sentence.tokens),
          offsets,
          frames: Int32Array.from(sentences.flatMap((sentence) => sentence.hits.map(([frame]) => frame))),
          hits: Float64Array.from(sentences.flatMap((sentence) => sentence.hits.map(([, hits]) => hits)))
        }
      })

  it("draws what pure-rand's xoroshiro128plus draws and gives the intervals the first implementation gave", () => {
    fc.assert(
      fc.property(
        fc.array(documentArb(4), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 300 }),
        (documents, unitSeed, resamples) => {
          expect(bootstrapIntervals(documents, 4, { resamples, seed: 0, unitSeed })).toEqual(
            referenceBootstrapIntervals(documents as never, 4, { resamples, unitSeed })
          )
        }
      ),
      { numRuns: 200 }
    )
  })

  it("finds the quantiles of unsorted values exactly as sorting would", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 1000, noNaN: true })), { minLength: 1, maxLength: 400 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p) => {
          const sorted = Float64Array.from(values).sort()
          expect(quantileOfUnsorted(Float64Array.from(values), p)).toBe(quantileOfSorted(sorted, p))
          expect(quantileOfUnsorted(Float64Array.from(values), 0.025)).toBe(quantileOfSorted(sorted, 0.025))
          expect(quantileOfUnsorted(Float64Array.from(values), 0.975)).toBe(quantileOfSorted(sorted, 0.975))
        }
      ),
      { numRuns: 300 }
    )
  })
})
