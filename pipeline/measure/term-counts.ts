// The occurrences and documents of each term in one group: an open-addressing hash table keyed by
// the term's number, each slot three consecutive int32s (term number + 1, count, documents) so that
// an update touches one cache line, the table at most 3/4 full. A group keeps one per frequency list
// and every term a group ever used stays in it, so this is most of what the measure stage holds: a
// Map of small objects would take three to four times the memory, and time.

const EMPTY = 0
const STRIDE = 3
const MAX_COUNT = 0x7fffffff
// Fibonacci hashing: the multiplier spreads consecutive term numbers over the table.
const GOLDEN = 0x9e3779b1

/** A table's state as it is, to be kept between runs (TermCounts.restore). */
export interface TermCountsState {
  readonly slots: Int32Array
  readonly size: number
  readonly total: number
}

export class TermCounts {
  /** per slot: term number + 1 (EMPTY where free), occurrences, documents */
  private slots: Int32Array
  private capacity: number
  private shift: number
  /** Terms in the table. */
  size = 0
  /** Occurrences of all terms (the list's total, c or d in keyness). */
  total = 0

  constructor(capacity = 16) {
    let bits = 4
    while (1 << bits < capacity) bits++
    this.capacity = 1 << bits
    this.shift = 32 - bits
    this.slots = new Int32Array(this.capacity * STRIDE)
  }

  /** The table as it is: its own slots, not a copy (to be serialised before the table changes). */
  state(): TermCountsState {
    return { slots: this.slots, size: this.size, total: this.total }
  }

  /** The table a state was taken of, owning the state's slots from now on. */
  static restore(state: TermCountsState): TermCounts {
    const capacity = state.slots.length / STRIDE
    if (!Number.isInteger(Math.log2(capacity)) || capacity < 16 || state.size * 4 > capacity * 3) {
      throw new Error(`measure: a kept term table of ${state.slots.length} slots holding ${state.size} terms is not one this code writes`)
    }
    const table = new TermCounts(capacity)
    table.slots = state.slots
    table.size = state.size
    table.total = state.total
    return table
  }

  /** Where the term is, or the free slot where it would go (as an index into `slots`). */
  private find(key: number): number {
    const mask = this.capacity - 1
    let slot = Math.imul(key, GOLDEN) >>> this.shift
    for (;;) {
      const found = this.slots[slot * STRIDE]!
      if (found === key || found === EMPTY) return slot * STRIDE
      slot = (slot + 1) & mask
    }
  }

  /** Adds `count` occurrences in `docs` documents to the term's totals. */
  add(term: number, count: number, docs: number): void {
    if ((this.size + 1) * 4 > this.capacity * 3) this.grow()
    const at = this.find(term + 1)
    if (this.slots[at] === EMPTY) {
      this.slots[at] = term + 1
      this.size++
    }
    const sum = this.slots[at + 1]! + count
    if (sum > MAX_COUNT) throw new Error(`measure: a term occurs more than ${MAX_COUNT} times in one group`)
    this.slots[at + 1] = sum
    this.slots[at + 2]! += docs
    this.total += count
  }

  /** Adds every term of another table (another cell of the same group). */
  addAll(other: TermCounts): void {
    const slots = other.slots
    for (let at = 0; at < slots.length; at += STRIDE) if (slots[at] !== EMPTY) this.add(slots[at]! - 1, slots[at + 1]!, slots[at + 2]!)
  }

  /** Occurrences of the term, 0 if the group never uses it. */
  countOf(term: number): number {
    const at = this.find(term + 1)
    return this.slots[at] === EMPTY ? 0 : this.slots[at + 1]!
  }

  /**
   * The table's terms ordered by `rank` (a position per term number, distinct for distinct terms),
   * with their counts and documents.
   */
  sortedBy(rank: Int32Array): { readonly terms: Int32Array; readonly counts: Int32Array; readonly docs: Int32Array } {
    const n = this.size
    const slotOf = new Int32Array(n)
    let k = 0
    for (let at = 0; at < this.slots.length; at += STRIDE) if (this.slots[at] !== EMPTY) slotOf[k++] = at
    const rankOf = (i: number) => rank[this.slots[slotOf[i]!]! - 1]!
    let order: ArrayLike<number>
    if (rank.length * n < 2 ** 52) {
      // rank * n + i: distinct and exact in doubles, so a plain numeric sort orders by rank
      const keys = new Float64Array(n)
      for (let i = 0; i < n; i++) keys[i] = rankOf(i) * n + i
      keys.sort()
      order = keys.map((key) => key % n)
    } else {
      order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rankOf(a) - rankOf(b))
    }
    const terms = new Int32Array(n)
    const counts = new Int32Array(n)
    const docs = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      const at = slotOf[order[i]!]!
      terms[i] = this.slots[at]! - 1
      counts[i] = this.slots[at + 1]!
      docs[i] = this.slots[at + 2]!
    }
    return { terms, counts, docs }
  }

  private grow(): void {
    const old = this.slots
    this.capacity *= 2
    this.shift--
    this.slots = new Int32Array(this.capacity * STRIDE)
    for (let from = 0; from < old.length; from += STRIDE) {
      if (old[from] === EMPTY) continue
      const at = this.find(old[from]!)
      this.slots[at] = old[from]!
      this.slots[at + 1] = old[from + 1]!
      this.slots[at + 2] = old[from + 2]!
    }
  }
}
