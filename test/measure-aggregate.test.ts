import { Effect, Schema } from "effect"
import fc from "fast-check"
import { readdirSync, readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import {
  aggregateMeasures,
  compileMeasureCodebooks,
  type DocumentGroups,
  type DocumentMeasures,
  frameHitRows,
  type MeasureTables,
  measureDocument
} from "../pipeline/measure/index.ts"
import { annotatedDocument } from "../pipeline/measure/testing.ts"
import type { TermList } from "../pipeline/measure/types.ts"
import { entitySalience } from "../schemas/entity_salience.ts"
import { frameHits } from "../schemas/frame_hits.ts"
import { frameScores } from "../schemas/frame_scores.ts"
import { decodeFrames } from "../schemas/inputs/frames.ts"
import { decodeNaming } from "../schemas/inputs/naming.ts"
import { keyness } from "../schemas/keyness.ts"
import { namingVariants } from "../schemas/naming_variants.ts"
import { compareRows, type Table } from "../schemas/table.ts"
import { termFrequencies } from "../schemas/term_frequencies.ts"

const codebooks = compileMeasureCodebooks(
  Effect.runSync(decodeFrames(readFileSync(new URL("../raw/codebooks/frames.yaml", import.meta.url), "utf8"), "frames.yaml")),
  Effect.runSync(decodeNaming(readFileSync(new URL("../raw/codebooks/naming.yaml", import.meta.url), "utf8"), "naming.yaml"))
)

const termList = (form: TermList["form"], ngram: TermList["ngram"], counts: Record<string, number> = {}): TermList => {
  const terms = Object.keys(counts).sort()
  return { form, ngram, terms, counts: terms.map((t) => counts[t]!), is_stop: terms.map((t) => t === "the") }
}

/** Hand-made counts: `sentences` sentences of 10 tokens; the first `hits` sentences hit the frame once each. */
const measures = (
  docId: string,
  unigrams: Record<string, number>,
  frame: { id: string; sentences: number; hits: number },
  extra: Partial<Pick<DocumentMeasures, "entities" | "naming">> = {}
): DocumentMeasures => ({
  doc_id: docId,
  tokens: frame.sentences * 10,
  terms: [termList("lemma", 1), termList("lemma", 2), termList("normal", 1, unigrams), termList("normal", 2)],
  sentence_tokens: Array.from({ length: frame.sentences }, () => 10),
  sentence_frame_hits: Array.from({ length: frame.hits }, (_, sentence) => ({ sentence, frame_id: frame.id, hits: 1 })),
  entities: extra.entities ?? [],
  naming: extra.naming ?? [],
  frame_hits: []
})

const groups = (doc_id: string, outlet: string | null, country: string | null, camp: string | null): DocumentGroups => ({
  doc_id, outlet, country, camp
})

// A: 1000 tokens, B: 4000 tokens, C: 1000 tokens of unknown outlet, country and camp.
const docA = {
  groups: groups("a", "o1", "XA", "c1"),
  measures: measures("a", { peace: 10, rare: 4, the: 986 }, { id: "diplomacy_negotiation", sentences: 100, hits: 5 }, {
    entities: [
      { entity_id: "putin", canonical: "Vladimir Putin", type: "PERSON", mentions: 3 },
      { entity_id: "kyiv", canonical: "Kyiv", type: "GPE", mentions: 1 }
    ],
    naming: [
      { concept: "capital_of_ukraine", variant: "Kiev", count: 1 },
      { concept: "capital_of_ukraine", variant: "Kyiv", count: 3 }
    ]
  })
}
const docB = {
  groups: groups("b", "o2", "XB", "c2"),
  measures: measures("b", { peace: 20, the: 3980 }, { id: "military_conflict", sentences: 400, hits: 8 }, {
    entities: [{ entity_id: "putin", canonical: "Putin", type: "PERSON", mentions: 2 }],
    naming: [{ concept: "capital_of_ukraine", variant: "Kiev", count: 2 }]
  })
}
const docC = {
  groups: groups("c", null, null, null),
  measures: measures("c", { peace: 5, the: 995 }, { id: "diplomacy_negotiation", sentences: 100, hits: 1 })
}

const options = { codebooks, resamples: 200 }
const tables = aggregateMeasures([docA, docB, docC], options)

const validate = <T extends Table<any>>(table: T, rows: ReadonlyArray<unknown>) => {
  const decode = Schema.decodeUnknownSync(table.schema as unknown as Schema.Decoder<unknown>)
  for (const row of rows) decode(row)
  expect([...rows].sort(compareRows(table) as (a: unknown, b: unknown) => number)).toEqual(rows)
}

describe("aggregateMeasures on hand-made counts", () => {
  it("returns rows that validate against their tables, in the documented order", () => {
    validate(termFrequencies, tables.term_frequencies)
    validate(keyness, tables.keyness)
    validate(entitySalience, tables.entity_salience)
    validate(frameScores, tables.frame_scores)
    validate(namingVariants, tables.naming_variants)
  })

  it("computes term frequencies per group: count, docs, per_10k", () => {
    const row = tables.term_frequencies.find((r) => r.group_by === "outlet" && r.group === "o1" && r.term === "peace")
    // 10 occurrences in 1000 tokens → 10 / 1000 * 10000 = 100 per 10k
    expect(row).toMatchObject({ form: "normal", ngram: 1, count: 10, docs: 1, per_10k: 100, is_stop: false })
    expect(tables.term_frequencies.find((r) => r.term === "the")?.is_stop).toBe(true)
    // documents of unknown group form no group
    expect(new Set(tables.term_frequencies.map((r) => r.group))).toEqual(new Set(["o1", "o2", "XA", "XB", "c1", "c2"]))
  })

  it("computes keyness against all other documents, unknown ones included, as by hand", () => {
    const row = tables.keyness.find((r) => r.group_by === "outlet" && r.target === "o1" && r.term === "peace")!
    // a = 10, b = 20 + 5 = 25, c = 1000, d = 4000 + 1000 = 5000
    // E1 = 1000 * 35 / 6000 = 5.833333, E2 = 5000 * 35 / 6000 = 29.166667
    // G2 = 2 * (10 ln(10 / 5.833333) + 25 ln(25 / 29.166667)) = 2 * (5.389965 - 3.853767) = 3.072396
    // p = erfc(sqrt(3.072396 / 2)) = 0.0796320; Log Ratio = log2((10 / 1000) / (25 / 5000)) = log2(2) = 1
    expect(row).toMatchObject({ count_target: 10, count_reference: 25, total_target: 1000, total_reference: 5000 })
    expect(row.g2).toBe(3.0724)
    expect(row.p_value).toBe(0.079632)
    expect(row.log_ratio).toBe(1)
  })

  it("keeps terms below the minimum corpus frequency out of keyness but not out of term_frequencies", () => {
    expect(tables.keyness.some((r) => r.term === "rare")).toBe(false)
    expect(tables.term_frequencies.some((r) => r.term === "rare")).toBe(true)
    const lowered = aggregateMeasures([docA, docB, docC], { ...options, keynessMinFrequency: 4 })
    expect(lowered.keyness.find((r) => r.target === "o2" && r.term === "rare")).toMatchObject({ count_target: 0, count_reference: 4 })
    expect(lowered.keyness.find((r) => r.target === "o2" && r.term === "rare")!.g2).toBeLessThan(0)
  })

  it("is symmetric between two groups that make up the corpus", () => {
    const two = aggregateMeasures([docA, docB], options).keyness.filter((r) => r.group_by === "camp")
    const of = (target: string, term: string) => two.find((r) => r.target === target && r.term === term)!
    for (const term of ["peace", "the"]) {
      expect(of("c1", term).g2).toBe(-of("c2", term).g2)
      expect(of("c1", term).log_ratio).toBe(-of("c2", term).log_ratio)
      expect(of("c1", term).p_value).toBe(of("c2", term).p_value)
    }
    expect(of("c1", "peace").g2).toBeGreaterThan(0) // 10/1000 > 20/4000
  })

  it("computes entity salience: mentions, docs, per_10k, share; names by majority", () => {
    const putin = tables.entity_salience.find((r) => r.group_by === "outlet" && r.group === "o1" && r.entity_id === "putin")
    // 3 mentions in 1000 tokens → 30 per 10k; 3 of the group's 4 linked mentions → 0.75
    expect(putin).toMatchObject({ mentions: 3, docs: 1, per_10k: 30, share: 0.75, canonical: "Vladimir Putin", type: "PERSON" })
    expect(tables.entity_salience.filter((r) => r.group_by === "document").map((r) => r.group)).toEqual(["a", "a", "b"])
  })

  it("computes naming shares within each concept, zeros included, only for concepts the group uses", () => {
    const of = (groupBy: string, group: string) =>
      tables.naming_variants.filter((r) => r.group_by === groupBy && r.group === group).map((r) => [r.variant, r.count, r.share])
    expect(of("outlet", "o1")).toEqual([["Kiev", 1, 0.25], ["Kyiv", 3, 0.75]])
    expect(of("outlet", "o2")).toEqual([["Kiev", 2, 1], ["Kyiv", 0, 0]])
    expect(of("document", "c")).toEqual([])
  })

  it("computes frame scores: hits, tokens, per_1k, sentence_share, and a CI around the estimate", () => {
    const row = tables.frame_scores.find((r) => r.level === "camp" && r.unit === "c1" && r.frame_id === "diplomacy_negotiation")!
    // 5 hits in 1000 tokens → 5 per 1k; 5 of 100 sentences → 0.05
    expect(row).toMatchObject({ n_docs: 1, n_sentences: 100, hits: 5, hit_sentences: 5, tokens: 1000, per_1k: 5, sentence_share: 0.05 })
    expect(row.ci_low!).toBeLessThan(5)
    expect(row.ci_high!).toBeGreaterThan(5)
    const none = tables.frame_scores.find((r) => r.level === "camp" && r.unit === "c1" && r.frame_id === "military_conflict")!
    expect(none).toMatchObject({ hits: 0, per_1k: 0, sentence_share: 0, ci_low: 0, ci_high: 0 })
    // every unit has a row for every frame
    const units = new Set(tables.frame_scores.map((r) => `${r.level}/${r.unit}`))
    expect(tables.frame_scores.length).toBe(units.size * codebooks.frames.frames.length)
    expect([...units].filter((u) => u.startsWith("document/"))).toEqual(["document/a", "document/b", "document/c"])
  })

  it("gives the same intervals for the same seed and other intervals for another seed", () => {
    const again = aggregateMeasures([docA, docB, docC], options)
    expect(again.frame_scores).toEqual(tables.frame_scores)
    const reseeded = aggregateMeasures([docA, docB, docC], { ...options, seed: 7 })
    expect(reseeded.frame_scores).not.toEqual(tables.frame_scores)
    expect(reseeded.frame_scores.map((r) => r.per_1k)).toEqual(tables.frame_scores.map((r) => r.per_1k))
  })

  it("does not depend on the order documents arrive in", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([docA, docB, docC], { minLength: 3, maxLength: 3 }), (shuffled) => {
        expect(aggregateMeasures(shuffled, options)).toEqual(tables)
      }),
      { numRuns: 6 }
    )
  })
})

describe("the seed corpus, end to end through measureDocument", () => {
  const seedGroups: Record<string, DocumentGroups> = {
    "000": groups("000", "astro-awani", "MY", "third-country"),
    "001": groups("001", "bao-hai-duong", "VN", "third-country"),
    "002": groups("002", "euromaidan-press", "UA", "ua"),
    "003": groups("003", "espreso", "UA", "ua"),
    "004": groups("004", null, null, "ru")
  }
  const textsDir = new URL("../raw/texts/", import.meta.url)
  const perDocument = readdirSync(textsDir)
    .sort()
    .map((file) => {
      const docId = file.slice(0, 3)
      const doc = annotatedDocument(docId, readFileSync(new URL(file, textsDir), "utf8"))
      // measures cross worker threads and caches as JSON
      const measured = JSON.parse(JSON.stringify(measureDocument(doc, codebooks))) as DocumentMeasures
      return { groups: seedGroups[docId]!, measures: measured }
    })
  const aggregate = (input: typeof perDocument): MeasureTables => aggregateMeasures(input, { codebooks, resamples: 100 })
  const forward = aggregate(perDocument)

  it("is identical whatever the order of the documents", () => {
    expect(aggregate([...perDocument].reverse())).toEqual(forward)
  })

  it("shows who says Kiev and who says Kyiv", () => {
    const share = (camp: string, variant: string) =>
      forward.naming_variants.find((r) => r.group_by === "camp" && r.group === camp && r.concept === "capital_of_ukraine" && r.variant === variant)?.share
    expect(share("ru", "Kiev")).toBe(1)
    expect(share("ua", "Kyiv")).toBe(1)
  })

  it("publishes frame hits that validate and point at their surface", () => {
    const hits = frameHitRows(perDocument.map((d) => d.measures))
    validate(frameHits, hits)
    expect(hits.length).toBeGreaterThan(100)
  })

  it("keeps a useful keyness table on five documents", () => {
    const kiev = forward.keyness.find((r) => r.group_by === "camp" && r.target === "ru" && r.form === "normal" && r.term === "kiev")!
    expect(kiev.g2).toBeGreaterThan(10.83) // p < 0.001
    expect(forward.keyness.length).toBeGreaterThan(1000)
  })
})
