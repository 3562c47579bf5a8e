// Percentile interpolation for the bootstrap intervals. Kept apart from stats.ts, which imports the
// table schemas, so that a bootstrap worker thread loads none of them (they take a second to load).

/** The p-th quantile (0 ≤ p ≤ 1) of sorted values, interpolating linearly between order statistics. */
export const quantileOfSorted = (sorted: ArrayLike<number>, p: number): number => {
  const position = (sorted.length - 1) * p
  const below = Math.floor(position)
  const low = sorted[below]!
  const high = sorted[Math.min(below + 1, sorted.length - 1)]!
  return low + (position - below) * (high - low)
}

/**
 * Moves the value sorting would put at position k of values[lo..hi] there, smaller or equal values
 * before it and greater or equal ones after (quickselect, Hoare partition, median-of-three pivot).
 */
const select = (values: Float64Array, k: number, lo: number, hi: number): void => {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const x = values[lo]!
    const y = values[mid]!
    const z = values[hi]!
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y
    let i = lo
    let j = hi
    while (i <= j) {
      while (values[i]! < pivot) i++
      while (values[j]! > pivot) j--
      if (i <= j) {
        const swap = values[i]!
        values[i] = values[j]!
        values[j] = swap
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return
  }
}

/**
 * quantileOfSorted of the values once sorted, without sorting them: the two order statistics it
 * interpolates between are selected in linear time. Reorders `values`; they must not hold NaN.
 */
export const quantileOfUnsorted = (values: Float64Array, p: number): number => {
  const last = values.length - 1
  const position = last * p
  const below = Math.floor(position)
  select(values, below, 0, last)
  const low = values[below]!
  let high = low
  if (below < last) {
    high = values[below + 1]!
    for (let i = below + 2; i <= last; i++) if (values[i]! < high) high = values[i]!
  }
  return low + (position - below) * (high - low)
}
