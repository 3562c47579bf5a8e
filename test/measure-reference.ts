// The measure stage's aggregation as first written: every document's counts in memory at once,
// straightforward Maps, one generic sort per table, the bootstrap on pure-rand's generator. It is
// slow and memory-hungry and the pipeline does not use it: the tests hold the streaming
// accumulator (accumulator.ts) to it, row for row and digit for digit. Do not optimise it.
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus"
import { entitySalience } from "../schemas/entity_salience.ts"
import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, frameScores } from "../schemas/frame_scores.ts"
import { KEYNESS_MIN_FREQUENCY, keyness } from "../schemas/keyness.ts"
import { namingVariants } from "../schemas/naming_variants.ts"
import { compareRows, type Row } from "../schemas/table.ts"
import { type Grouping, type GroupingWithDocument, groupings, termFrequencies } from "../schemas/term_frequencies.ts"
import type { CompiledConcept, CompiledMeasureCodebooks } from "../pipeline/measure/codebooks.ts"
import { chiSquare1PValue, logRatio, quantileOfSorted, rate, roundPublished, signedG2 } from "../pipeline/measure/stats.ts"
import type { DocumentGroups, DocumentMeasures, EntityCount, TermForm, TermList } from "../pipeline/measure/types.ts"

type MeasuredDocument = { readonly groups: DocumentGroups; readonly measures: DocumentMeasures }

export interface ReferenceOptions {
  readonly codebooks: CompiledMeasureCodebooks
  readonly resamples?: number
  readonly seed?: number
  readonly keynessMinFrequency?: number
}

export interface ReferenceTables {
  readonly term_frequencies: Array<Row<typeof termFrequencies>>
  readonly keyness: Array<Row<typeof keyness>>
  readonly entity_salience: Array<Row<typeof entitySalience>>
  readonly frame_scores: Array<Row<typeof frameScores>>
  readonly naming_variants: Array<Row<typeof namingVariants>>
}

// --- groups -------------------------------------------------------------------------------------

interface GroupMember {
  readonly groupBy: GroupingWithDocument
  readonly group: string
  readonly documents: ReadonlyArray<DocumentMeasures>
}

const membersByGroup = (perDocument: ReadonlyArray<MeasuredDocument>, withDocuments: boolean): Array<GroupMember> => {
  const members = new Map<string, { groupBy: GroupingWithDocument; group: string; documents: Array<DocumentMeasures> }>()
  const add = (groupBy: GroupingWithDocument, group: string, measures: DocumentMeasures) => {
    const key = `${groupBy}\u0001${group}`
    const member = members.get(key) ?? { groupBy, group, documents: [] }
    member.documents.push(measures)
    members.set(key, member)
  }
  for (const { groups, measures } of perDocument) {
    if (withDocuments) add("document", groups.doc_id, measures)
    for (const grouping of groupings) {
      const group = groups[grouping]
      if (group !== null) add(grouping, group, measures)
    }
  }
  return [...members.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, member]) => member)
}

// --- terms and keyness --------------------------------------------------------------------------

const listKey = (form: TermForm, ngram: number): string => `${form}\u0001${ngram}`

interface ListTotals<T> {
  readonly form: TermForm
  readonly ngram: 1 | 2
  total: number
  readonly terms: Map<string, T>
}

interface GroupTerms {
  tokens: number
  readonly lists: Map<string, ListTotals<{ count: number; docs: number }>>
}

interface TermTotals {
  readonly corpus: Map<string, ListTotals<{ count: number; isStop: boolean }>>
  readonly groups: ReadonlyMap<Grouping, Map<string, GroupTerms>>
}

const listOf = <T>(lists: Map<string, ListTotals<T>>, form: TermForm, ngram: 1 | 2): ListTotals<T> => {
  const key = listKey(form, ngram)
  const list = lists.get(key) ?? { form, ngram, total: 0, terms: new Map<string, T>() }
  lists.set(key, list)
  return list
}

const sumTerms = (perDocument: ReadonlyArray<MeasuredDocument>): TermTotals => {
  const corpus = new Map<string, ListTotals<{ count: number; isStop: boolean }>>()
  const groups = new Map<Grouping, Map<string, GroupTerms>>(groupings.map((grouping) => [grouping, new Map()]))
  const addToCorpus = (list: ListTotals<{ count: number; isStop: boolean }>, { terms, counts, is_stop }: TermList) => {
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
  for (const { groups: memberOf, measures } of perDocument) {
    const targets = groupings.flatMap((grouping) => {
      const group = memberOf[grouping]
      if (group === null) return []
      const byGroup = groups.get(grouping)!
      const found = byGroup.get(group) ?? { tokens: 0, lists: new Map() }
      byGroup.set(group, found)
      return [found]
    })
    for (const target of targets) target.tokens += measures.tokens
    for (const terms of measures.terms) {
      addToCorpus(listOf(corpus, terms.form, terms.ngram), terms)
      for (const target of targets) addToGroup(listOf(target.lists, terms.form, terms.ngram), terms)
    }
  }
  return { corpus, groups }
}

const termFrequencyRows = (totals: TermTotals): Array<Row<typeof termFrequencies>> => {
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

const keynessRows = (totals: TermTotals, minFrequency: number): Array<Row<typeof keyness>> => {
  const rows: Array<Row<typeof keyness>> = []
  for (const [key, corpus] of totals.corpus) {
    const frequent = [...corpus.terms.entries()].filter(([, entry]) => entry.count >= minFrequency)
    for (const [grouping, byGroup] of totals.groups) {
      for (const [target, group] of byGroup) {
        const inTarget = group.lists.get(key)
        const totalTarget = inTarget?.total ?? 0
        const totalReference = corpus.total - totalTarget
        if (totalTarget === 0 || totalReference === 0) continue
        for (const [term, { count, isStop }] of frequent) {
          const countTarget = inTarget?.terms.get(term)?.count ?? 0
          const countReference = count - countTarget
          const g2 = signedG2(countTarget, countReference, totalTarget, totalReference)
          rows.push({
            group_by: grouping,
            target,
            form: corpus.form,
            ngram: corpus.ngram,
            term,
            is_stop: isStop,
            count_target: countTarget,
            count_reference: countReference,
            total_target: totalTarget,
            total_reference: totalReference,
            g2: roundPublished(g2),
            p_value: roundPublished(chiSquare1PValue(Math.abs(g2))),
            log_ratio: roundPublished(logRatio(countTarget, countReference, totalTarget, totalReference))
          })
        }
      }
    }
  }
  return rows
}

// --- entities -----------------------------------------------------------------------------------

type EntityType = EntityCount["type"]
const nameKey = (canonical: string, type: EntityType) => `${canonical}\u0001${type}`

const entityNames = (perDocument: ReadonlyArray<DocumentMeasures>) => {
  const tallies = new Map<string, Map<string, { canonical: string; type: EntityType; mentions: number }>>()
  for (const measures of perDocument) {
    for (const { entity_id, canonical, type, mentions } of measures.entities) {
      const names = tallies.get(entity_id) ?? new Map()
      const key = nameKey(canonical, type)
      const tally = names.get(key) ?? { canonical, type, mentions: 0 }
      tally.mentions += mentions
      names.set(key, tally)
      tallies.set(entity_id, names)
    }
  }
  const chosen = new Map<string, { canonical: string; type: EntityType }>()
  for (const [entityId, names] of tallies) {
    const [best] = [...names.entries()].sort(([keyA, a], [keyB, b]) => b.mentions - a.mentions || (keyA < keyB ? -1 : 1))
    chosen.set(entityId, best![1])
  }
  return chosen
}

const salienceOfGroup = (member: GroupMember, names: Map<string, { canonical: string; type: EntityType }>): Array<Row<typeof entitySalience>> => {
  const byEntity = new Map<string, { mentions: number; docs: number }>()
  let tokens = 0
  for (const measures of member.documents) {
    tokens += measures.tokens
    const inDocument = new Map<string, number>()
    for (const { entity_id, mentions } of measures.entities) inDocument.set(entity_id, (inDocument.get(entity_id) ?? 0) + mentions)
    for (const [entityId, mentions] of inDocument) {
      const entry = byEntity.get(entityId) ?? { mentions: 0, docs: 0 }
      entry.mentions += mentions
      entry.docs++
      byEntity.set(entityId, entry)
    }
  }
  let groupMentions = 0
  for (const { mentions } of byEntity.values()) groupMentions += mentions
  return [...byEntity.entries()].map(([entityId, { mentions, docs }]) => ({
    group_by: member.groupBy,
    group: member.group,
    entity_id: entityId,
    canonical: names.get(entityId)!.canonical,
    type: names.get(entityId)!.type,
    mentions,
    docs,
    per_10k: roundPublished(rate(mentions, tokens, 10_000)),
    share: roundPublished(rate(mentions, groupMentions, 1))
  }))
}

// --- naming -------------------------------------------------------------------------------------

const namingOfGroup = (member: GroupMember, concepts: ReadonlyArray<CompiledConcept>): Array<Row<typeof namingVariants>> => {
  const counts = new Map<string, number>()
  for (const measures of member.documents) {
    for (const { concept, variant, count } of measures.naming) {
      const key = `${concept}\u0001${variant}`
      counts.set(key, (counts.get(key) ?? 0) + count)
    }
  }
  return concepts.flatMap((concept) => {
    const variantCounts = concept.variants.map((variant) => ({ variant, count: counts.get(`${concept.id}\u0001${variant}`) ?? 0 }))
    const total = variantCounts.reduce((sum, { count }) => sum + count, 0)
    if (total === 0) return []
    return variantCounts.map(({ variant, count }) => ({
      group_by: member.groupBy,
      group: member.group,
      concept: concept.id,
      variant,
      count,
      share: roundPublished(rate(count, total, 1))
    }))
  })
}

// --- frames and the bootstrap -------------------------------------------------------------------

interface BootstrapDocument {
  readonly sentenceTokens: Float64Array
  readonly offsets: Int32Array
  readonly frames: Int32Array
  readonly hits: Float64Array
}

const hash32 = (text: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash | 0
}

const unitSeed = (seed: number, level: string, unit: string): number => hash32(`${seed}\u0000${level}\u0000${unit}`)

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

/** The bootstrap as first written, on pure-rand's generator object. */
export const referenceBootstrapIntervals = (
  documents: ReadonlyArray<BootstrapDocument>,
  frameCount: number,
  options: { readonly resamples: number; readonly unitSeed: number }
): Array<{ low: number; high: number } | null> => {
  const rng = xoroshiro128plus(options.unitSeed)
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

const bootstrapDocument = (measures: DocumentMeasures, frameIds: ReadonlyArray<string>): BootstrapDocument => {
  const frameIndex = new Map(frameIds.map((id, i) => [id, i]))
  const known = measures.sentence_frame_hits.filter((entry) => frameIndex.has(entry.frame_id)).sort((a, b) => a.sentence - b.sentence)
  const offsets = new Int32Array(measures.sentence_tokens.length + 1)
  for (const { sentence } of known) offsets[sentence + 1]!++
  for (let s = 0; s < measures.sentence_tokens.length; s++) offsets[s + 1]! += offsets[s]!
  return {
    sentenceTokens: Float64Array.from(measures.sentence_tokens),
    offsets,
    frames: Int32Array.from(known, (entry) => frameIndex.get(entry.frame_id)!),
    hits: Float64Array.from(known, (entry) => entry.hits)
  }
}

const sum = (values: Iterable<number>): number => {
  let total = 0
  for (const value of values) total += value
  return total
}

const frameScoreRows = (
  unit: GroupMember,
  frameIds: ReadonlyArray<string>,
  layout: (measures: DocumentMeasures) => BootstrapDocument,
  options: { readonly resamples: number; readonly seed: number }
): Array<Row<typeof frameScores>> => {
  const tokens = sum(unit.documents.map((d) => d.tokens))
  const nSentences = sum(unit.documents.map((d) => d.sentence_tokens.length))
  const intervals = referenceBootstrapIntervals(unit.documents.map(layout), frameIds.length, {
    resamples: options.resamples,
    unitSeed: unitSeed(options.seed, unit.groupBy, unit.group)
  })
  return frameIds.map((frameId, f) => {
    const sentenceHits = unit.documents.flatMap((d) => d.sentence_frame_hits.filter((s) => s.frame_id === frameId))
    const hits = sum(sentenceHits.map((s) => s.hits))
    const interval = intervals[f] ?? null
    return {
      level: unit.groupBy,
      unit: unit.group,
      frame_id: frameId,
      n_docs: unit.documents.length,
      n_sentences: nSentences,
      hits,
      hit_sentences: sentenceHits.length,
      tokens,
      per_1k: tokens === 0 ? null : roundPublished((hits / tokens) * 1000),
      sentence_share: nSentences === 0 ? null : roundPublished(sentenceHits.length / nSentences),
      ci_low: interval === null ? null : roundPublished(interval.low),
      ci_high: interval === null ? null : roundPublished(interval.high)
    }
  })
}

// --- the whole aggregation ----------------------------------------------------------------------

export const referenceAggregate = (perDocument: ReadonlyArray<MeasuredDocument>, options: ReferenceOptions): ReferenceTables => {
  const documents = [...perDocument].sort((a, b) => (a.groups.doc_id < b.groups.doc_id ? -1 : a.groups.doc_id > b.groups.doc_id ? 1 : 0))
  documents.forEach(({ groups, measures }, i) => {
    if (groups.doc_id !== measures.doc_id) throw new Error(`measure: groups of ${groups.doc_id} paired with measures of ${measures.doc_id}`)
    if (i > 0 && documents[i - 1]!.groups.doc_id === groups.doc_id) throw new Error(`measure: document ${groups.doc_id} given twice`)
  })
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
  const names = entityNames(documents.map((d) => d.measures))
  return {
    term_frequencies: termFrequencyRows(terms).sort(compareRows(termFrequencies)),
    keyness: keynessRows(terms, options.keynessMinFrequency ?? KEYNESS_MIN_FREQUENCY).sort(compareRows(keyness)),
    entity_salience: units.flatMap((unit) => salienceOfGroup(unit, names)).sort(compareRows(entitySalience)),
    frame_scores: units.flatMap((unit) => frameScoreRows(unit, frameIds, layout, bootstrap)).sort(compareRows(frameScores)),
    naming_variants: units.flatMap((unit) => namingOfGroup(unit, options.codebooks.naming.concepts)).sort(compareRows(namingVariants))
  }
}
