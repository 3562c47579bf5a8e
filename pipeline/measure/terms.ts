// Term frequencies: unigrams and bigrams of normal forms and lemmas, per document, then per group.
import { type Row } from "../../schemas/table.ts"
import { type Grouping, groupings, type termFrequencies } from "../../schemas/term_frequencies.ts"
import { type SentenceTokens, type TokenRow } from "./document.ts"
import { isHyphen } from "./match.ts"
import { rate, roundPublished } from "./stats.ts"
import type { DocumentGroups, DocumentMeasures, TermForm, TermList } from "./types.ts"

const FORMS: ReadonlyArray<TermForm> = ["lemma", "normal"]
const NGRAMS: ReadonlyArray<1 | 2> = [1, 2]

/** Key of one frequency list: the terms of one form and n-gram size. */
export const listKey = (form: TermForm, ngram: number): string => `${form}\u0001${ngram}`

const byTerm = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Counts the document's terms. Punctuation is not a term and ends a bigram run, except a hyphen
 * between two words ("full-scale" → "full scale"); bigrams stay within a sentence.
 */
export const countTerms = (sentences: ReadonlyArray<SentenceTokens>): Array<TermList> => {
  const lists = new Map(
    FORMS.flatMap((form) => NGRAMS.map((ngram) => [listKey(form, ngram), new Map<string, { count: number; isStop: boolean }>()] as const))
  )
  const add = (form: TermForm, ngram: 1 | 2, term: string, isStop: boolean) => {
    const list = lists.get(listKey(form, ngram))!
    const entry = list.get(term)
    if (entry === undefined) list.set(term, { count: 1, isStop })
    else {
      entry.count++
      entry.isStop ||= isStop
    }
  }
  for (const { tokens } of sentences) {
    let previous: TokenRow | null = null
    for (const token of tokens) {
      if (token.is_punct) {
        if (!isHyphen(token.text)) previous = null
        continue
      }
      for (const form of FORMS) {
        add(form, 1, token[form], token.is_stop)
        if (previous !== null) add(form, 2, `${previous[form]} ${token[form]}`, previous.is_stop || token.is_stop)
      }
      previous = token
    }
  }
  return FORMS.flatMap((form) =>
    NGRAMS.map((ngram) => {
      const entries = [...lists.get(listKey(form, ngram))!.entries()].sort(([a], [b]) => byTerm(a, b))
      return {
        form,
        ngram,
        terms: entries.map(([term]) => term),
        counts: entries.map(([, { count }]) => count),
        is_stop: entries.map(([, { isStop }]) => isStop)
      }
    })
  )
}

/** The corpus-wide count of one term, and whether it is (or contains) a stop word anywhere. */
interface CorpusTerm {
  count: number
  isStop: boolean
}

/** One frequency list (a form and n-gram size) summed over some documents. */
export interface ListTotals<T> {
  readonly form: TermForm
  readonly ngram: 1 | 2
  total: number
  readonly terms: Map<string, T>
}

export interface GroupTerms {
  tokens: number
  /** Per list key: occurrences and documents of each term. */
  readonly lists: Map<string, ListTotals<{ count: number; docs: number }>>
}

/** Term counts of the whole corpus and of every group, summed once for both tables that use them. */
export interface TermTotals {
  /** Per list key. */
  readonly corpus: Map<string, ListTotals<CorpusTerm>>
  readonly groups: ReadonlyMap<Grouping, Map<string, GroupTerms>>
}

const listOf = <T>(lists: Map<string, ListTotals<T>>, form: TermForm, ngram: 1 | 2): ListTotals<T> => {
  const key = listKey(form, ngram)
  const list = lists.get(key) ?? { form, ngram, total: 0, terms: new Map<string, T>() }
  lists.set(key, list)
  return list
}

const groupOf = (byGroup: Map<string, GroupTerms>, group: string): GroupTerms => {
  const found = byGroup.get(group) ?? { tokens: 0, lists: new Map() }
  byGroup.set(group, found)
  return found
}

const addToCorpus = (list: ListTotals<CorpusTerm>, { terms, counts, is_stop }: TermList) => {
  for (let i = 0; i < terms.length; i++) {
    const entry = list.terms.get(terms[i]!)
    if (entry === undefined) list.terms.set(terms[i]!, { count: counts[i]!, isStop: is_stop[i]! })
    else {
      entry.count += counts[i]!
      entry.isStop ||= is_stop[i]!
    }
    list.total += counts[i]!
  }
}

const addToGroup = (list: ListTotals<{ count: number; docs: number }>, { terms, counts }: TermList) => {
  for (let i = 0; i < terms.length; i++) {
    const entry = list.terms.get(terms[i]!)
    if (entry === undefined) list.terms.set(terms[i]!, { count: counts[i]!, docs: 1 })
    else {
      entry.count += counts[i]!
      entry.docs++
    }
    list.total += counts[i]!
  }
}

/** Sums every document's term lists into the corpus and into each of its groups. */
export const sumTerms = (
  perDocument: ReadonlyArray<{ readonly groups: DocumentGroups; readonly measures: DocumentMeasures }>
): TermTotals => {
  const corpus = new Map<string, ListTotals<CorpusTerm>>()
  const groups = new Map<Grouping, Map<string, GroupTerms>>(groupings.map((grouping) => [grouping, new Map()]))
  for (const { groups: memberOf, measures } of perDocument) {
    const targets = groupings.flatMap((grouping) => {
      const group = memberOf[grouping]
      return group === null ? [] : [groupOf(groups.get(grouping)!, group)]
    })
    for (const target of targets) target.tokens += measures.tokens
    for (const terms of measures.terms) {
      addToCorpus(listOf(corpus, terms.form, terms.ngram), terms)
      for (const target of targets) addToGroup(listOf(target.lists, terms.form, terms.ngram), terms)
    }
  }
  return { corpus, groups }
}

/** term_frequencies rows, unsorted. */
export const termFrequencyRows = (totals: TermTotals): Array<Row<typeof termFrequencies>> => {
  const rows: Array<Row<typeof termFrequencies>> = []
  for (const [grouping, byGroup] of totals.groups) {
    for (const [group, { tokens, lists }] of byGroup) {
      for (const [key, { form, ngram, terms }] of lists) {
        const corpusTerms = totals.corpus.get(key)!.terms
        for (const [term, { count, docs }] of terms) {
          rows.push({
            group_by: grouping,
            group,
            form,
            ngram,
            term,
            is_stop: corpusTerms.get(term)!.isStop,
            count,
            docs,
            per_10k: roundPublished(rate(count, tokens, 10_000))
          })
        }
      }
    }
  }
  return rows
}
