// The statistics behind keyness and the confidence intervals, written out so that each formula can
// be checked against its source.
import { PUBLISHED_SIGNIFICANT_DIGITS } from "../../schemas/term_frequencies.ts"

export { quantileOfSorted, quantileOfUnsorted } from "./quantile.ts"

/** Rounds a published figure so that CSV output is identical across platforms. */
export const roundPublished = (x: number): number => Number(x.toPrecision(PUBLISHED_SIGNIFICANT_DIGITS))

const xLogXOverE = (x: number, expected: number): number => (x === 0 ? 0 : x * Math.log(x / expected))

/**
 * Signed log-likelihood G² (Rayson & Garside 2000), no continuity correction:
 * a, b = the term's counts in target and reference, c, d = their totals.
 * Positive when the term is relatively more frequent in the target.
 */
export const signedG2 = (a: number, b: number, c: number, d: number): number => {
  const expectedTarget = (c * (a + b)) / (c + d)
  const expectedReference = (d * (a + b)) / (c + d)
  const g2 = 2 * (xLogXOverE(a, expectedTarget) + xLogXOverE(b, expectedReference))
  const direction = Math.sign(a / c - b / d)
  return direction * Math.max(g2, 0) // tiny negative rounding residue when a/c = b/d
}

/** Log Ratio (Hardie 2014): log2 of the ratio of relative frequencies, a zero count read as 0.5. */
export const logRatio = (a: number, b: number, c: number, d: number): number =>
  Math.log2(((a === 0 ? 0.5 : a) / c) / ((b === 0 ? 0.5 : b) / d))

// ln Γ(1/2) = ln √π
const LOG_GAMMA_HALF = 0.5 * Math.log(Math.PI)
const EPSILON = 1e-16
const TINY = 1e-300
const MAX_ITERATIONS = 1000

/** Regularised lower incomplete gamma P(1/2, z) by its series (converges fast for z < 1.5). */
const lowerGammaHalfSeries = (z: number): number => {
  let term = 1 / 0.5
  let sum = term
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= z / (0.5 + n)
    sum += term
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break
  }
  return sum * Math.exp(-z + 0.5 * Math.log(z) - LOG_GAMMA_HALF)
}

/** Regularised upper incomplete gamma Q(1/2, z) by its continued fraction (modified Lentz, for z ≥ 1.5). */
const upperGammaHalfFraction = (z: number): number => {
  let b = z + 1 - 0.5
  let c = 1 / TINY
  let d = 1 / b
  let h = d
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - 0.5)
    b += 2
    d = an * d + b
    if (Math.abs(d) < TINY) d = TINY
    c = b + an / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < EPSILON) break
  }
  return Math.exp(-z + 0.5 * Math.log(z) - LOG_GAMMA_HALF) * h
}

/**
 * Upper tail of the chi-square distribution with one degree of freedom:
 * P(X > x) = Q(1/2, x/2) = erfc(√(x/2)).
 */
export const chiSquare1PValue = (x: number): number => {
  if (!(x > 0)) return 1
  const z = x / 2
  return z < 1.5 ? 1 - lowerGammaHalfSeries(z) : upperGammaHalfFraction(z)
}

/** x / total * per, 0 when the total is 0. */
export const rate = (x: number, total: number, per: number): number => (total === 0 ? 0 : (x / total) * per)
