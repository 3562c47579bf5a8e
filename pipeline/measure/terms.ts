// Term frequencies and keyness: unigrams and bigrams of normal forms and lemmas counted per
// document, then summed per group as documents stream past.
import type { keyness } from "../../schemas/keyness.ts"
import { type Row } from "../../schemas/table.ts"
import { type Grouping, groupings, type termFrequencies } from "../../schemas/term_frequencies.ts"
import { type SentenceTokens, type TokenRow } from "./document.ts"
import { isHyphen } from "./match.ts"
import { chiSquare1PValue, logRatio, rate, roundPublished, signedG2 } from "./stats.ts"
import { TermCounts, type TermCountsState } from "./term-counts.ts"
import type { DocumentGroups, TermForm, TermList } from "./types.ts"

const FORMS: ReadonlyArray<TermForm> = ["lemma", "normal"]
const NGRAMS: ReadonlyArray<1 | 2> = [1, 2]

/** Key of one frequency list: the terms of one form and n-gram size. */
export const listKey = (form: TermForm, ngram: number): string => `${form}\u0001${ngram}`

const byTerm = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The terms of one list in one document, numbered as first seen, with occurrences and stop flags. */
class DocumentTally<K> {
  private readonly numbers = new Map<K, number>()
  readonly keys: Array<K> = []
  readonly counts: Array<number> = []
  readonly isStop: Array<boolean> = []

  /** Counts one occurrence and returns the term's number. */
  add(key: K, isStop: boolean): number {
    let id = this.numbers.get(key)
    if (id === undefined) {
      id = this.keys.length
      this.numbers.set(key, id)
      this.keys.push(key)
      this.counts.push(1)
      this.isStop.push(isStop)
    } else {
      this.counts[id]!++
      if (isStop) this.isStop[id] = true
    }
    return id
  }
}

/**
 * A list's terms in order, with their occurrences and stop flags; terms that read alike are merged
 * (two pairs of words can make the same bigram text).
 */
const termList = (form: TermForm, ngram: 1 | 2, terms: ReadonlyArray<string>, tally: DocumentTally<unknown>): TermList => {
  const order = Array.from(terms.keys()).sort((a, b) => byTerm(terms[a]!, terms[b]!))
  const list = { form, ngram, terms: [] as Array<string>, counts: [] as Array<number>, is_stop: [] as Array<boolean> }
  for (const id of order) {
    const last = list.terms.length - 1
    if (last >= 0 && list.terms[last] === terms[id]) {
      list.counts[last]! += tally.counts[id]!
      list.is_stop[last] ||= tally.isStop[id]!
    } else {
      list.terms.push(terms[id]!)
      list.counts.push(tally.counts[id]!)
      list.is_stop.push(tally.isStop[id]!)
    }
  }
  return list
}

/**
 * Counts the document's terms. Punctuation is not a term and ends a bigram run, except a hyphen
 * between two words ("full-scale" → "full scale"); bigrams stay within a sentence.
 */
export const countTerms = (sentences: ReadonlyArray<SentenceTokens>): Array<TermList> => {
  // A bigram is counted by the numbers of its two words (first * words + second): its text is made
  // once per distinct bigram, not once per occurrence.
  let words = 1
  for (const { tokens } of sentences) words += tokens.length
  const tallies = FORMS.map(() => ({ unigrams: new DocumentTally<string>(), bigrams: new DocumentTally<number>() }))
  const previous = FORMS.map(() => -1)
  for (const { tokens } of sentences) {
    previous.fill(-1)
    let previousIsStop = false
    for (const token of tokens) {
      if (token.is_punct) {
        if (!isHyphen(token.text)) previous.fill(-1)
        continue
      }
      FORMS.forEach((form, f) => {
        const { unigrams, bigrams } = tallies[f]!
        const id = unigrams.add(token[form], token.is_stop)
        if (previous[f]! >= 0) bigrams.add(previous[f]! * words + id, previousIsStop || token.is_stop)
        previous[f] = id
      })
      previousIsStop = token.is_stop
    }
  }
  return FORMS.flatMap((form, f) => {
    const { unigrams, bigrams } = tallies[f]!
    const bigramTerms = bigrams.keys.map((key) => `${unigrams.keys[Math.floor(key / words)]} ${unigrams.keys[key % words]}`)
    return [termList(form, 1, unigrams.keys, unigrams), termList(form, 2, bigramTerms, bigrams)]
  })
}

// --- Totals over documents ----------------------------------------------------------------------
// The accumulator folds each document's four lists into running totals as the document passes:
// per list, every term once (a number, its corpus count and stop flag), and the counts of the terms
// used in each cell, the documents sharing one (outlet, country, camp): a document adds to one
// table, not three, and a corpus has about as many cells as outlets. A country's or a camp's
// totals are the sum of its cells', made one group at a time as the rows are written. Nothing per
// document is kept.

/**
 * A string kept for the whole run must not hold on to the text it was cut from: V8 keeps the parent
 * of a sliced or concatenated string alive (both kinds start at 13 characters), so such a term is
 * copied once, when the corpus first sees it.
 */
export const own = (term: string): string => (term.length < 13 ? term : (JSON.parse(JSON.stringify(term)) as string))

/** One frequency list over the whole corpus: each term's number, occurrences and stop flag. */
class CorpusList {
  /** term → its number, in order of first occurrence */
  readonly numbers = new Map<string, number>()
  /** per term number: occurrences, then 1 if the term is or contains a stop word (one cache line) */
  private entries = new Float64Array(2048)
  total = 0

  constructor(
    readonly form: TermForm,
    readonly ngram: 1 | 2
  ) {}

  /** Adds occurrences of a term and returns its number. */
  add(term: string, count: number, isStop: boolean): number {
    let id = this.numbers.get(term)
    if (id === undefined) {
      id = this.numbers.size
      this.numbers.set(own(term), id)
      if (2 * id === this.entries.length) {
        const entries = new Float64Array(this.entries.length * 2)
        entries.set(this.entries)
        this.entries = entries
      }
    }
    this.entries[2 * id]! += count
    if (isStop) this.entries[2 * id + 1] = 1
    this.total += count
    return id
  }

  countOf(id: number): number {
    return this.entries[2 * id]!
  }

  state(): CorpusListState {
    return { form: this.form, ngram: this.ngram, terms: [...this.numbers.keys()], entries: this.entries.subarray(0, 2 * this.numbers.size), total: this.total }
  }

  static restore(state: CorpusListState): CorpusList {
    const list = new CorpusList(state.form, state.ngram)
    if (state.entries.length !== 2 * state.terms.length) throw new Error(`measure: a kept ${state.form} ${state.ngram}-gram list has ${state.terms.length} terms but ${state.entries.length / 2} entries`)
    state.terms.forEach((term, id) => list.numbers.set(term, id))
    if (list.numbers.size !== state.terms.length) throw new Error(`measure: a kept ${state.form} ${state.ngram}-gram list holds a term twice`)
    let capacity = list.entries.length
    while (capacity < state.entries.length) capacity *= 2
    list.entries = new Float64Array(capacity)
    list.entries.set(state.entries)
    list.total = state.total
    return list
  }

  isStop(id: number): boolean {
    return this.entries[2 * id + 1] === 1
  }
}

interface CorpusListState {
  readonly form: TermForm
  readonly ngram: 1 | 2
  /** by term number */
  readonly terms: ReadonlyArray<string>
  readonly entries: Float64Array
  readonly total: number
}

/**
 * The running totals as they are, for a later run over the same documents and more (TermTotals.restore):
 * the terms' numbers and the tables' slots are kept as they are, not rebuilt term by term.
 */
export interface TermTotalsState {
  readonly lists: ReadonlyArray<CorpusListState>
  readonly cells: ReadonlyArray<{ readonly groups: CellGroups; readonly lists: ReadonlyArray<readonly [string, TermCountsState]> }>
}

/** A frequency list ready for output: its terms in published (UTF-16 code unit) order. */
interface OrderedList {
  readonly key: string
  readonly corpus: CorpusList
  /** term by number */
  readonly terms: ReadonlyArray<string>
  /** term numbers in term order */
  readonly order: Int32Array
  /** position in term order, by term number */
  readonly rank: Int32Array
}

/** per_10k is memoised for counts below this. */
const MEMO = 4096
/** Keyness figures are memoised for pairs of counts below this (a * PAIR_LIMIT + b stays exact). */
const PAIR_LIMIT = 2 ** 26

const byFormNgram = (a: { form: TermForm; ngram: number }, b: { form: TermForm; ngram: number }) =>
  a.form !== b.form ? (a.form < b.form ? -1 : 1) : a.ngram - b.ngram

/** The term lists of one document, checked where a bad value would otherwise be silently cast. */
const checkList = (list: TermList, docId: string) => {
  if (list.counts.length !== list.terms.length || list.is_stop.length !== list.terms.length) {
    throw new Error(`measure: the ${list.form} ${list.ngram}-gram list of ${docId} has ${list.terms.length} terms but ${list.counts.length} counts and ${list.is_stop.length} stop flags`)
  }
  for (const count of list.counts) {
    if (!Number.isInteger(count) || count < 0) throw new Error(`measure: the ${list.form} ${list.ngram}-gram list of ${docId} has a count of ${count}`)
  }
}

type CellGroups = Pick<DocumentGroups, Grouping>

/** The documents of one (outlet, country, camp): their term counts per list key. */
interface Cell {
  readonly groups: CellGroups
  readonly lists: Map<string, TermCounts>
}

const cellKey = (groups: CellGroups): string => JSON.stringify([groups.outlet, groups.country, groups.camp])

/** One list of a partial result (see accumulator.ts): terms sorted, cell entries by term position. */
export interface PartialTermList {
  readonly form: TermForm
  readonly ngram: 1 | 2
  readonly terms: ReadonlyArray<string>
  readonly counts: ReadonlyArray<number>
  /** 1 when the term is, or contains, a stop word */
  readonly stop: ReadonlyArray<0 | 1>
  /** Sorted by [outlet, country, camp] as JSON. */
  readonly cells: ReadonlyArray<{
    readonly outlet: string | null
    readonly country: string | null
    readonly camp: string | null
    /** positions in `terms`, ascending */
    readonly terms: ReadonlyArray<number>
    readonly counts: ReadonlyArray<number>
    readonly docs: ReadonlyArray<number>
  }>
}

/** Term counts of the whole corpus and of every cell, summed as documents arrive. */
export class TermTotals {
  /** per list key */
  private readonly corpus = new Map<string, CorpusList>()
  /** per cell key; documents in no group at all have none */
  private readonly cells = new Map<string, Cell>()
  private ordered: Array<OrderedList> | null = null

  private listOf(form: TermForm, ngram: 1 | 2): CorpusList {
    const key = listKey(form, ngram)
    const found = this.corpus.get(key) ?? new CorpusList(form, ngram)
    this.corpus.set(key, found)
    return found
  }

  private cellOf(groups: CellGroups): Cell | null {
    if (groups.outlet === null && groups.country === null && groups.camp === null) return null
    const key = cellKey(groups)
    const found = this.cells.get(key) ?? { groups: { outlet: groups.outlet, country: groups.country, camp: groups.camp }, lists: new Map() }
    this.cells.set(key, found)
    return found
  }

  private static tableOf(cell: Cell, key: string): TermCounts {
    const found = cell.lists.get(key) ?? new TermCounts()
    cell.lists.set(key, found)
    return found
  }

  /** The totals as they are, not a copy (to be serialised before another document is added): restore() gives them back. */
  state(): TermTotalsState {
    return {
      lists: [...this.corpus.values()].map((list) => list.state()),
      cells: [...this.cells.values()].map(({ groups, lists }) => ({ groups, lists: [...lists].map(([key, table]) => [key, table.state()] as const) }))
    }
  }

  /** Takes the totals of a state (state()); only into totals that hold nothing yet. Throws, changing nothing, if the state is malformed. */
  restore(state: TermTotalsState): void {
    if (this.corpus.size > 0 || this.cells.size > 0) throw new Error("measure: kept term totals can only be restored into empty ones")
    const lists = state.lists.map((list) => [listKey(list.form, list.ngram), CorpusList.restore(list)] as const)
    const cells = state.cells.map(({ groups, lists }): readonly [string, Cell] => [
      cellKey(groups),
      { groups: { outlet: groups.outlet, country: groups.country, camp: groups.camp }, lists: new Map(lists.map(([key, table]) => [key, TermCounts.restore(table)])) }
    ])
    this.ordered = null
    for (const [key, list] of lists) this.corpus.set(key, list)
    for (const [key, cell] of cells) this.cells.set(key, cell)
  }

  /** Folds one document's lists into the corpus and into its cell. */
  add(memberOf: DocumentGroups, lists: ReadonlyArray<TermList>): void {
    for (const list of lists) checkList(list, memberOf.doc_id)
    this.ordered = null
    const cell = this.cellOf(memberOf)
    for (const list of lists) {
      const corpus = this.listOf(list.form, list.ngram)
      const table = cell === null ? null : TermTotals.tableOf(cell, listKey(list.form, list.ngram))
      const { terms, counts, is_stop } = list
      for (let i = 0; i < terms.length; i++) {
        const id = corpus.add(terms[i]!, counts[i]!, is_stop[i]!)
        table?.add(id, counts[i]!, 1)
      }
    }
  }

  /** Every list with its terms in output order (cached until the next document). */
  private orderedLists(): Array<OrderedList> {
    if (this.ordered !== null) return this.ordered
    this.ordered = [...this.corpus.entries()]
      .sort(([, a], [, b]) => byFormNgram(a, b))
      .map(([key, corpus]) => {
        const terms = [...corpus.numbers.keys()]
        const sorted = [...terms].sort()
        const order = Int32Array.from(sorted, (term) => corpus.numbers.get(term)!)
        const rank = new Int32Array(order.length)
        for (let r = 0; r < order.length; r++) rank[order[r]!] = r
        return { key, corpus, terms, order, rank }
      })
    return this.ordered
  }

  /** The groups of each grouping in output order, each with the cells it is made of. */
  private *orderedGroups(): Generator<{ grouping: Grouping; group: string; cells: ReadonlyArray<Cell> }> {
    for (const grouping of [...groupings].sort()) {
      const byGroup = new Map<string, Array<Cell>>()
      for (const cell of this.cells.values()) {
        const group = cell.groups[grouping]
        if (group === null) continue
        const cells = byGroup.get(group) ?? []
        cells.push(cell)
        byGroup.set(group, cells)
      }
      for (const group of [...byGroup.keys()].sort()) yield { grouping, group, cells: byGroup.get(group)! }
    }
  }

  /** A group's counts of one list: its only cell's, or the sum of its cells' (undefined if none has the list). */
  private static groupTable(cells: ReadonlyArray<Cell>, key: string): TermCounts | undefined {
    const tables = cells.flatMap((cell) => cell.lists.get(key) ?? [])
    if (tables.length <= 1) return tables[0]
    const sum = new TermCounts(Math.max(...tables.map((table) => table.size)) * 2)
    for (const table of tables) sum.addAll(table)
    return sum
  }

  /**
   * term_frequencies rows in the table's order; `tokensOf` gives a group's non-punctuation tokens,
   * `check` is called before each group's list and at the end (to stop if the totals changed).
   */
  *termFrequencyRows(tokensOf: (grouping: Grouping, group: string) => number, check: () => void): Generator<Row<typeof termFrequencies>> {
    const lists = this.orderedLists()
    const perTenK = new Float64Array(MEMO)
    for (const { grouping, group, cells } of this.orderedGroups()) {
      const tokens = tokensOf(grouping, group)
      // per_10k depends only on the count: most terms share a handful of small counts
      perTenK.fill(NaN)
      const per10k = (count: number) => {
        if (count >= MEMO) return roundPublished(rate(count, tokens, 10_000))
        if (Number.isNaN(perTenK[count]!)) perTenK[count] = roundPublished(rate(count, tokens, 10_000))
        return perTenK[count]!
      }
      for (const { key, corpus, terms, rank } of lists) {
        check()
        const table = TermTotals.groupTable(cells, key)
        if (table === undefined) continue
        const sorted = table.sortedBy(rank)
        for (let i = 0; i < sorted.terms.length; i++) {
          const id = sorted.terms[i]!
          const count = sorted.counts[i]!
          yield {
            group_by: grouping,
            group,
            form: corpus.form,
            ngram: corpus.ngram,
            term: terms[id]!,
            is_stop: corpus.isStop(id),
            count,
            docs: sorted.docs[i]!,
            per_10k: per10k(count)
          }
        }
      }
    }
    check()
  }

  /**
   * keyness rows in the table's order: every group against the rest, for every term occurring at
   * least `minFrequency` times in the corpus (a term a group never uses gets count_target 0).
   */
  *keynessRows(minFrequency: number, check: () => void): Generator<Row<typeof keyness>> {
    const lists = this.orderedLists().map((list) => {
      const frequent: Array<number> = []
      for (const id of list.order) if (list.corpus.countOf(id) >= minFrequency) frequent.push(id)
      return { ...list, frequent: Int32Array.from(frequent) }
    })
    const memo = new Map<number, number>()
    let figures = new Float64Array(3 * 1024)
    for (const { grouping, group, cells } of this.orderedGroups()) {
      for (const { key, corpus, terms, frequent } of lists) {
        check()
        const table = TermTotals.groupTable(cells, key)
        const totalTarget = table?.total ?? 0
        const totalReference = corpus.total - totalTarget
        if (table === undefined || totalTarget === 0 || totalReference === 0) continue
        // The statistics depend only on (a, b) here, and few pairs recur many times over.
        memo.clear()
        let memoized = 0
        for (const id of frequent) {
          const countTarget = table.countOf(id)
          const countReference = corpus.countOf(id) - countTarget
          const pair = countTarget < PAIR_LIMIT && countReference < PAIR_LIMIT ? countTarget * PAIR_LIMIT + countReference : -1
          let at = pair < 0 ? undefined : memo.get(pair)
          if (at === undefined) {
            const g2 = signedG2(countTarget, countReference, totalTarget, totalReference)
            if (memoized * 3 === figures.length) {
              const grown = new Float64Array(figures.length * 2)
              grown.set(figures)
              figures = grown
            }
            at = 3 * memoized++
            figures[at] = roundPublished(g2)
            figures[at + 1] = roundPublished(chiSquare1PValue(Math.abs(g2)))
            figures[at + 2] = roundPublished(logRatio(countTarget, countReference, totalTarget, totalReference))
            if (pair >= 0) memo.set(pair, at)
          }
          yield {
            group_by: grouping,
            target: group,
            form: corpus.form,
            ngram: corpus.ngram,
            term: terms[id]!,
            is_stop: corpus.isStop(id),
            count_target: countTarget,
            count_reference: countReference,
            total_target: totalTarget,
            total_reference: totalReference,
            g2: figures[at]!,
            p_value: figures[at + 1]!,
            log_ratio: figures[at + 2]!
          }
        }
      }
    }
    check()
  }

  /** The totals as plain JSON: lists by form and n-gram size, terms sorted, cells sorted. */
  toJSON(): Array<PartialTermList> {
    const cells = [...this.cells.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, cell]) => cell)
    return this.orderedLists().map(({ key, corpus, terms, order, rank }) => ({
      form: corpus.form,
      ngram: corpus.ngram,
      terms: Array.from(order, (id) => terms[id]!),
      counts: Array.from(order, (id) => corpus.countOf(id)),
      stop: Array.from(order, (id) => (corpus.isStop(id) ? 1 : 0)),
      cells: cells.flatMap(({ groups, lists }) => {
        const table = lists.get(key)
        if (table === undefined) return []
        const sorted = table.sortedBy(rank)
        return [{
          ...groups,
          terms: Array.from(sorted.terms, (id) => rank[id]!),
          counts: Array.from(sorted.counts),
          docs: Array.from(sorted.docs)
        }]
      })
    }))
  }

  /** Adds the totals of a partial result (documents the accumulator has not seen). */
  addPartial(lists: ReadonlyArray<PartialTermList>): void {
    this.ordered = null
    for (const list of lists) {
      const corpus = this.listOf(list.form, list.ngram)
      const key = listKey(list.form, list.ngram)
      const ids = new Int32Array(list.terms.length)
      for (let p = 0; p < list.terms.length; p++) ids[p] = corpus.add(list.terms[p]!, list.counts[p]!, list.stop[p] === 1)
      for (const { outlet, country, camp, terms, counts, docs } of list.cells) {
        const cell = this.cellOf({ outlet, country, camp })
        if (cell === null) continue
        const table = TermTotals.tableOf(cell, key)
        for (let j = 0; j < terms.length; j++) table.add(ids[terms[j]!]!, counts[j]!, docs[j]!)
      }
    }
  }
}
