import { Effect } from "effect"
import fc from "fast-check"
import { createHash } from "node:crypto"
import { readdirSync, readFileSync } from "node:fs"
import { deserialize, serialize } from "node:v8"
import { describe, expect, it } from "vitest"
import {
  accumulatorFromJSON,
  aggregateMeasures,
  compileMeasureCodebooks,
  createMeasureAccumulator,
  type DocumentGroups,
  type DocumentMeasures,
  type MeasurePartial,
  measureDocument,
  mergeAccumulators
} from "../pipeline/measure/index.ts"
import { referenceAggregate } from "./measure-reference.ts"
import { gatherDocuments, packDocuments } from "../pipeline/measure/bootstrap.ts"
import { intervalsOfUnits, splitByCost, unitBootstrapSetup, unitsToBootstrap } from "../pipeline/measure/bootstrap-units.ts"
import { unitIntervals } from "../pipeline/measure/frames.ts"
import { membersByGroup } from "../pipeline/measure/groups.ts"
import {
  createRecordArena,
  createRecordNames,
  documentFrameIntervals,
  documentRecord,
  type FrameIntervalStore,
  frameNumbers,
  type KeptFrameIntervals,
  recordToJSON,
  reusedFrameIntervals
} from "../pipeline/measure/record.ts"
import { TermCounts } from "../pipeline/measure/term-counts.ts"
import { annotatedDocument, syntheticMeasures } from "../pipeline/measure/testing.ts"
import { decodeFrames } from "../schemas/inputs/frames.ts"
import { decodeNaming } from "../schemas/inputs/naming.ts"

// Codebooks written out here, so that edits to the bundled ones do not move the pinned digests.
const framesYaml = `
version: 9.9.9
frames:
  - id: diplomacy
    label: Diplomacy
    definition: Talks.
    sources: [Galtung 1998]
    lemmas: [negotiation, talk]
    phrases: [peace talks]
  - id: military
    label: Military
    definition: Fighting.
    sources: [Galtung 1998]
    lemmas: [war, troop]
  - id: hegemony
    label: Hegemony
    definition: The West.
    sources: [Hutchings & Szostek 2015]
    lemmas: [west]
`
const namingYaml = `
version: 9.9.9
concepts:
  - id: capital
    label: Capital of Ukraine
    variants:
      - variant: Kyiv
        forms: [Kyiv]
      - variant: Kiev
        forms: [Kiev]
  - id: war
    label: The war
    variants:
      - variant: war
        forms: [war]
      - variant: special military operation
        forms: [special military operation]
      - variant: conflict
        forms: [conflict]
`
const codebooks = compileMeasureCodebooks(
  Effect.runSync(decodeFrames(framesYaml, "frames.yaml")),
  Effect.runSync(decodeNaming(namingYaml, "naming.yaml"))
)

type Measured = { readonly groups: DocumentGroups; readonly measures: DocumentMeasures }

const synthetic = (documents: number, seed: number, extra: { vocabulary?: number; outlets?: number; sentences?: number } = {}) =>
  syntheticMeasures({
    documents,
    seed,
    frameIds: [...codebooks.frames.frames.map((frame) => frame.id), "not_in_codebook"],
    concepts: codebooks.naming.concepts,
    ...extra
  })

const sha256 = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex")

/**
 * Table by table, the row count and the first row that differs (a readable failure), then the
 * whole JSON text, which also pins key order and number formatting.
 */
const expectSameTables = (actual: object, expected: object) => {
  const tables = (value: object) => value as Record<string, ReadonlyArray<unknown>>
  for (const [name, rows] of Object.entries(tables(expected))) {
    const got = tables(actual)[name] ?? []
    const at = got.findIndex((row, i) => JSON.stringify(row) !== JSON.stringify(rows[i]))
    expect({ table: name, rows: got.length, first: at < 0 ? null : { at, row: got[at] } }).toEqual({
      table: name,
      rows: rows.length,
      first: at < 0 ? null : { at, row: rows[at] }
    })
  }
  expect(sha256(actual)).toBe(sha256(expected))
}

/** What a shard writes and the merge reads back. */
const throughDisk = (partial: MeasurePartial): unknown => JSON.parse(JSON.stringify(partial))

const accumulate = (documents: ReadonlyArray<Measured>) => {
  const accumulator = createMeasureAccumulator(codebooks)
  for (const { groups, measures } of documents) accumulator.add(groups, measures)
  return accumulator
}

describe("the measure accumulator against the aggregation it replaced", () => {
  const documents = synthetic(120, 1)

  it("gives the tables of the replaced implementation, to the last digit (digests computed with it)", () => {
    // sha256 of JSON.stringify(aggregateMeasures(documents, options)) as the all-in-memory
    // implementation of commit d835112 computed it, before the accumulator existed
    expect(sha256(aggregateMeasures(documents, { codebooks }))).toBe("60cc69cbe0fd8eef11514e4d0f9d72a1fb7340c3d597eab06eb004f904c359c3")
    expect(sha256(aggregateMeasures([...documents].reverse(), { codebooks, resamples: 50, seed: 7, keynessMinFrequency: 1 }))).toBe(
      "ee4a25b9095de1956e5ad58e233c5c004b9197e421e2fdf72d5be2b5cd9b8122"
    )
  })

  it("gives the reference implementation's tables on random documents, whatever their order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (seed, count, resamples, keynessMinFrequency, bootstrapSeed) => {
          const input = synthetic(count, seed, { vocabulary: 60, outlets: 4 })
          const options = { codebooks, resamples, seed: bootstrapSeed, keynessMinFrequency }
          expectSameTables(aggregateMeasures([...input].reverse(), options), referenceAggregate(input, options))
        }
      ),
      { numRuns: 40 }
    )
  })

  it("gives the reference implementation's tables on the seed corpus", () => {
    const camps = ["third-country", "third-country", "ua", "ua", "ru"]
    const textsDir = new URL("../raw/texts/", import.meta.url)
    const seed = readdirSync(textsDir)
      .sort()
      .map((file, i) => {
        const docId = file.replace(/\.txt$/, "")
        const measures = measureDocument(annotatedDocument(docId, readFileSync(new URL(file, textsDir), "utf8")), codebooks)
        return { groups: { doc_id: docId, outlet: i === 4 ? null : `outlet-${i}`, country: i === 4 ? null : `C${i % 2}`, camp: camps[i] ?? null }, measures }
      })
    const options = { codebooks, resamples: 300 }
    expectSameTables(aggregateMeasures([...seed].reverse(), options), referenceAggregate(seed, options))
  })

  it("streams term_frequencies and keyness rows that are finish()'s, in the same order", () => {
    const accumulator = accumulate(documents)
    const rows = accumulator.rows({ resamples: 20 })
    const tables = accumulator.finish({ resamples: 20 })
    expect([...rows.term_frequencies]).toEqual(tables.term_frequencies)
    expect([...rows.keyness]).toEqual(tables.keyness)
    expect(rows.frame_scores).toEqual(tables.frame_scores)
    // finish() leaves the accumulator as it was
    expect(accumulator.finish({ resamples: 20 })).toEqual(tables)
  })

  it("refuses a document added while rows are being read, and a document given twice", () => {
    const accumulator = accumulate(documents.slice(0, 20))
    const iterator = accumulator.rows({ resamples: 5 }).term_frequencies[Symbol.iterator]()
    iterator.next()
    accumulator.add(documents[20]!.groups, documents[20]!.measures)
    expect(() => {
      for (let step = iterator.next(); !step.done; step = iterator.next());
    }).toThrow(/added while the tables were being read/)
    expect(() => accumulator.add(documents[0]!.groups, documents[0]!.measures)).toThrow(/given twice/)
    expect(() => accumulator.add({ ...documents[30]!.groups, doc_id: "other" }, documents[30]!.measures)).toThrow(/paired with measures/)
  })

  it("refuses counts a typed array would alter", () => {
    const [document] = synthetic(1, 3, { sentences: 4 })
    const { groups, measures } = document!
    const accumulator = createMeasureAccumulator(codebooks)
    expect(() => accumulator.add(groups, { ...measures, sentence_tokens: [1.5] })).toThrow(/has 1.5 tokens/)
    expect(() =>
      accumulator.add(groups, { ...measures, sentence_tokens: [3], sentence_frame_hits: [{ sentence: 1, frame_id: "military", hits: 1 }] })
    ).toThrow(/frame hits in sentence 1 but 1 sentences/)
    const [list] = measures.terms
    expect(() => accumulator.add(groups, { ...measures, terms: [{ ...list!, counts: list!.counts.map(() => -1) }] })).toThrow(/count of -1/)
    expect(accumulator.size).toBe(0)
  })

  it("keeps each record's counts whole wherever they fall in the arena's chunks, one record's view never reaching another's", () => {
    const documents = synthetic(60, 17, { sentences: 12 })
    const frames = frameNumbers(codebooks.frames.frames)
    const bootstrap = { resamples: 20, seed: 2 }
    const recorded = (chunkLength?: number) => {
      const names = createRecordNames()
      const arena = createRecordArena(chunkLength)
      const records = documents.map(({ groups, measures }) => documentRecord(arena, groups, measures, frames, names, bootstrap))
      return records.map((record) => recordToJSON(record, frames.ids, names))
    }
    const apart = documents.map(({ groups, measures }) => {
      const names = createRecordNames()
      return recordToJSON(documentRecord(createRecordArena(), groups, measures, frames, names, bootstrap), frames.ids, names)
    })
    // chunks of 7 numbers: most records are larger than a chunk, the rest share one
    for (const chunkLength of [7, 64, undefined]) {
      const json = recorded(chunkLength)
      expect(json).toEqual(apart)
      json.forEach((document, i) => {
        const { measures } = documents[i]!
        expect(document.sentence_tokens).toEqual(measures.sentence_tokens)
        expect(document.entities).toEqual(measures.entities)
        expect(document.naming).toEqual(measures.naming)
      })
    }
  })
})

describe("partial results of shards", () => {
  const documents = synthetic(60, 11)

  it("merge into exactly the single run's tables and partial, however the documents are split", () => {
    const whole = accumulate(documents)
    const expectedTables = whole.finish({ resamples: 25 })
    const expectedPartial = sha256(whole.toJSON())
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: documents.length, maxLength: documents.length }), (shardOf) => {
        const shards = [0, 1, 2, 3].map((shard) => documents.filter((_, i) => shardOf[i] === shard))
        const merged = mergeAccumulators(codebooks, shards.map((shard) => throughDisk(accumulate([...shard].reverse()).toJSON())))
        expect(merged.size).toBe(documents.length)
        expect(sha256(merged.toJSON())).toBe(expectedPartial)
        expectSameTables(merged.finish({ resamples: 25 }), expectedTables)
      }),
      { numRuns: 25 }
    )
  })

  it("gives the same partial whatever order documents were added in", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(documents, { minLength: documents.length, maxLength: documents.length }), (shuffled) => {
        expect(sha256(accumulate(shuffled).toJSON())).toBe(sha256(accumulate(documents).toJSON()))
      }),
      { numRuns: 5 }
    )
  })

  it("takes over the documents' own intervals from partials made with the same bootstrap, and works them out again otherwise", () => {
    const shards = [documents.slice(0, 25), documents.slice(25)]
    const partials = (settings: { resamples: number; seed: number }) =>
      shards.map((shard) => {
        const accumulator = createMeasureAccumulator(codebooks, settings)
        for (const { groups, measures } of shard) accumulator.add(groups, measures)
        return throughDisk(accumulator.toJSON())
      })
    const reference = (resamples: number, seed: number) => referenceAggregate(documents, { codebooks, resamples, seed })
    expectSameTables(mergeAccumulators(codebooks, partials({ resamples: 40, seed: 3 }), { resamples: 40, seed: 3 }).finish(), reference(40, 3))
    expectSameTables(mergeAccumulators(codebooks, partials({ resamples: 40, seed: 3 }), { resamples: 30, seed: 3 }).finish(), reference(30, 3))
    const merged = mergeAccumulators(codebooks, partials({ resamples: 30, seed: 3 }), { resamples: 30, seed: 3 })
    expectSameTables(merged.finish({ seed: 4 }), reference(30, 4))
    expect(merged.toJSON().bootstrap).toEqual({ resamples: 30, seed: 3 })
  })

  it("round-trips through JSON", () => {
    const accumulator = accumulate(documents)
    const again = accumulatorFromJSON(codebooks, throughDisk(accumulator.toJSON()))
    expectSameTables(again.finish({ resamples: 10 }), accumulator.finish({ resamples: 10 }))
  })

  it("refuses a document found in two partials, naming it", () => {
    const first = throughDisk(accumulate(documents.slice(0, 30)).toJSON())
    const second = throughDisk(accumulate(documents.slice(29)).toJSON())
    expect(() => mergeAccumulators(codebooks, [first, second])).toThrow(
      `measure: document ${documents[29]!.groups.doc_id} is in more than one partial result; partials must hold disjoint sets of documents`
    )
    expect(() => mergeAccumulators(codebooks, [first, first])).toThrow(/is in more than one partial result/)
  })

  it("refuses partials measured with other codebooks, or that are not partials", () => {
    const partial = accumulate(documents.slice(0, 5)).toJSON()
    const bundled = compileMeasureCodebooks(
      Effect.runSync(decodeFrames(readFileSync(new URL("../raw/codebooks/frames.yaml", import.meta.url), "utf8"), "frames.yaml")),
      Effect.runSync(decodeNaming(readFileSync(new URL("../raw/codebooks/naming.yaml", import.meta.url), "utf8"), "naming.yaml"))
    )
    expect(() => accumulatorFromJSON(bundled, partial)).toThrow(/measured with other codebooks \(frames 9\.9\.9, naming 9\.9\.9\)/)
    expect(() => accumulatorFromJSON(codebooks, { ...partial, version: 2 })).toThrow(/not a valid partial result: version 2/)
    expect(() => accumulatorFromJSON(codebooks, [])).toThrow(/not a valid partial result/)
    const [list] = partial.terms
    const broken = { ...partial, terms: [{ ...list!, counts: list!.counts.slice(1) }] }
    expect(() => accumulatorFromJSON(codebooks, broken)).toThrow(/terms\[0\]\.counts has/)
    const unsorted = { ...partial, documents: [...partial.documents].reverse() }
    expect(() => accumulatorFromJSON(codebooks, unsorted)).toThrow(/not sorted by doc_id/)
  })
})

describe("term totals kept between runs", () => {
  const documents = synthetic(60, 13)
  /** A state as a later run reads it: through v8's serialiser, as the term store keeps it. */
  const kept = (accumulator: ReturnType<typeof accumulate>) => deserialize(serialize(accumulator.termState())) as ReturnType<typeof accumulator.termState>
  /** The document with its term lists emptied: a resumed accumulator must not need them. */
  const withoutTerms = ({ groups, measures }: Measured): Measured => ({ groups, measures: { ...measures, terms: [] } })

  it("resumed and given the other documents, give the tables and partial of adding them all, however they are split and ordered", () => {
    const expected = accumulate(documents)
    const expectedTables = expected.finish({ resamples: 20 })
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: documents.length, maxLength: documents.length }), fc.boolean(), (earlier, reversed) => {
        const before = documents.filter((_, i) => earlier[i])
        const resumed = createMeasureAccumulator(codebooks)
        resumed.resumeTerms(kept(accumulate(reversed ? [...before].reverse() : before)), before.map(({ groups }) => groups.doc_id))
        for (const [i, document] of documents.entries()) resumed.add(document.groups, earlier[i] ? withoutTerms(document).measures : document.measures)
        expect(sha256(resumed.toJSON())).toBe(sha256(expected.toJSON()))
        expectSameTables(resumed.finish({ resamples: 20 }), expectedTables)
      }),
      { numRuns: 15 }
    )
  })

  it("are resumed only into an empty accumulator, and every document they count must be added before the tables are read", () => {
    const state = kept(accumulate(documents.slice(0, 10)))
    const ids = documents.slice(0, 10).map(({ groups }) => groups.doc_id)
    const started = accumulate(documents.slice(10, 11))
    expect(() => started.resumeTerms(state, ids)).toThrow("measure: term totals can only be resumed before any document is added")
    const resumed = createMeasureAccumulator(codebooks)
    resumed.resumeTerms(state, ids)
    for (const document of documents.slice(1, 10)) resumed.add(document.groups, document.measures)
    expect(() => resumed.finish()).toThrow(`measure: the resumed term totals count document ${ids[0]}, which was not added`)
    expect(() => resumed.merge(accumulate(documents.slice(20, 21)).toJSON())).toThrow(/cannot be merged into resumed term totals/)
  })

  it("refuse a malformed state, changing nothing", () => {
    const state = kept(accumulate(documents.slice(0, 10)))
    const [list] = state.lists
    const shortList = { ...state, lists: [{ ...list!, entries: list!.entries.subarray(2) }, ...state.lists.slice(1)] }
    const accumulator = createMeasureAccumulator(codebooks)
    expect(() => accumulator.resumeTerms(shortList, [])).toThrow(/list has \d+ terms but \d+ entries/)
    const [cell] = state.cells
    const [key, table] = cell!.lists[0]!
    const badTable = { ...state, cells: [{ ...cell!, lists: [[key, { ...table, slots: table.slots.subarray(3) }] as const] }] }
    expect(() => accumulator.resumeTerms(badTable, [])).toThrow(/not one this code writes/)
    // nothing was taken: the accumulator still gives an empty corpus's tables
    for (const document of documents.slice(0, 10)) accumulator.add(document.groups, document.measures)
    expectSameTables(accumulator.finish({ resamples: 20 }), accumulate(documents.slice(0, 10)).finish({ resamples: 20 }))
  })
})

describe("the bootstrap off the main thread", () => {
  const documents = synthetic(90, 5, { outlets: 5 })
  const seedCorpus = (settings: { resamples?: number; seed?: number } = {}) => {
    const textsDir = new URL("../raw/texts/", import.meta.url)
    return readdirSync(textsDir)
      .sort()
      .map((file, i) => {
        const docId = file.replace(/\.txt$/, "")
        const measures = measureDocument(annotatedDocument(docId, readFileSync(new URL(file, textsDir), "utf8")), codebooks, settings)
        return { groups: { doc_id: docId, outlet: `outlet-${i % 3}`, country: `C${i % 2}`, camp: i < 2 ? "a" : "b" }, measures }
      })
  }
  const withoutIntervals = (input: ReadonlyArray<Measured>): Array<Measured> =>
    input.map(({ groups, measures: { frame_intervals: _, ...measures } }) => ({ groups, measures }))
  const accumulateWith = (input: ReadonlyArray<Measured>, settings: { resamples: number; seed: number }) => {
    const accumulator = createMeasureAccumulator(codebooks, settings)
    for (const { groups, measures } of input) accumulator.add(groups, measures)
    return accumulator
  }

  it("measureDocument carries the document's own intervals; the tables and partial are those of working them out on add", () => {
    const settings = { resamples: 60, seed: 9 }
    const carried = seedCorpus(settings)
    expect(carried[0]!.measures.frame_intervals).toMatchObject({ ...settings, frame_ids: ["diplomacy", "hegemony", "military"] })
    const expected = accumulateWith(withoutIntervals(carried), settings)
    // through JSON, as from a worker thread
    const actual = accumulateWith(JSON.parse(JSON.stringify(carried)) as Array<Measured>, settings)
    expect(sha256(actual.toJSON())).toBe(sha256(expected.toJSON()))
    expectSameTables(actual.finish(), expected.finish())
    expectSameTables(actual.finish(), referenceAggregate(carried, { codebooks, ...settings }))
    // and they are taken, not worked out again
    const [first, ...rest] = carried
    const marked = { ...first!.measures, frame_intervals: { ...first!.measures.frame_intervals!, bounds: [1, 2, 3, 4, 5, 6] } }
    const scores = accumulateWith([{ groups: first!.groups, measures: marked }, ...rest], settings).finish().frame_scores
    const own = scores.filter((row) => row.level === "document" && row.unit === first!.groups.doc_id)
    expect(own.map((row) => [row.ci_low, row.ci_high])).toEqual([[1, 2], [3, 4], [5, 6]])
  })

  it("works the intervals out again when the measures' were made under other settings or other frames", () => {
    const settings = { resamples: 40, seed: 3 }
    const expected = accumulateWith(withoutIntervals(seedCorpus()), settings).finish()
    for (const other of [{ resamples: 41, seed: 3 }, { resamples: 40, seed: 4 }]) {
      expectSameTables(accumulateWith(seedCorpus(other), settings).finish(), expected)
    }
    const fewerFrames = seedCorpus(settings).map(({ groups, measures }) => ({
      groups,
      measures: { ...measures, frame_intervals: { ...measures.frame_intervals!, frame_ids: ["diplomacy", "military"], bounds: [1, 2, 3, 4] } }
    }))
    expectSameTables(accumulateWith(fewerFrames, settings).finish(), expected)
    const [broken] = seedCorpus(settings).map(({ groups, measures }) => ({ groups, measures: { ...measures, frame_intervals: { ...measures.frame_intervals!, bounds: [1] } } }))
    expect(() => accumulateWith([broken!], settings)).toThrow(/frame_intervals of 000_\w+ hold 1 bounds for 3 frames/)
  })

  it("a document's own intervals are taken from the store when its hits are unchanged, under any codebook", () => {
    const settings = { resamples: 50, seed: 4 }
    const stored = new Map<string, KeptFrameIntervals>()
    const store: FrameIntervalStore = { get: (key) => stored.get(key), put: (key, kept) => void stored.set(key, kept) }
    const withFrames = (yaml: string) => compileMeasureCodebooks(Effect.runSync(decodeFrames(yaml, "frames.yaml")), Effect.runSync(decodeNaming(namingYaml, "naming.yaml")))
    // a frame no seed text hits, then a lemma every seed text has
    const unhit = withFrames(`${framesYaml}  - id: aaa_unhit\n    label: Unhit\n    definition: None.\n    sources: [Nobody]\n    lemmas: [zzzzz]\n`)
    const widened = withFrames(framesYaml.replace("lemmas: [west]", "lemmas: [west, putin]"))
    const textsDir = new URL("../raw/texts/", import.meta.url)
    for (const file of readdirSync(textsDir).sort()) {
      const annotated = annotatedDocument(file.replace(/\.txt$/, ""), readFileSync(new URL(file, textsDir), "utf8"))
      const bootstrapped = (compiled: typeof codebooks) => {
        const measures = measureDocument(annotated, compiled, settings)
        const frames = frameNumbers(compiled.frames.frames)
        const puts = stored.size
        const intervals = reusedFrameIntervals(measures, frames, settings, store)
        expect(intervals).toEqual(documentFrameIntervals(measures, frames, settings))
        return stored.size > puts
      }
      expect(bootstrapped(codebooks)).toBe(true)
      expect(bootstrapped(codebooks)).toBe(false)
      expect(bootstrapped(unhit)).toBe(false) // same hits: taken, the new frame given no hits' bounds
      expect(bootstrapped(widened)).toBe(true) // hits changed: worked out again
    }
  })

  it("rowsInWorkers gives rows()'s tables, however many threads bootstrap the units", async () => {
    const accumulator = accumulate(documents)
    for (const options of [{ resamples: 30 }, { resamples: 1000 }, { resamples: 25, seed: 8, keynessMinFrequency: 2 }]) {
      const expected = accumulator.finish(options)
      for (const threads of [0, 1, 2, 3]) {
        const rows = accumulator.rowsInWorkers({ ...options, threads, inlineBelowDraws: 0 })
        expectSameTables(
          {
            term_frequencies: [...rows.term_frequencies],
            keyness: [...rows.keyness],
            entity_salience: [...rows.entity_salience],
            frame_scores: await rows.frame_scores,
            naming_variants: [...rows.naming_variants]
          },
          expected
        )
      }
    }
  })

  it("rowsInWorkers takes the units' intervals kept by an earlier run, and bootstraps again only the units whose documents changed", async () => {
    const kept = new Map<string, unknown>()
    const puts: Array<string> = []
    const store = {
      get: (key: string) => deserialize(serialize(kept.get(key))) as never,
      put: (key: string, intervals: unknown) => {
        puts.push(key)
        kept.set(key, intervals)
      }
    }
    const frameScoresOf = (input: ReadonlyArray<Measured>, withStore: boolean) =>
      accumulateWith(input, { resamples: 40, seed: 3 }).rowsInWorkers({ threads: 0, ...(withStore ? { unitIntervals: store } : {}) }).frame_scores
    const expected = await frameScoresOf(documents, false)
    expect(await frameScoresOf(documents, true)).toEqual(expected)
    const groupUnits = new Set(expected.filter((row) => row.level !== "document").map((row) => `${row.level}/${row.unit}`)).size
    expect(puts).toHaveLength(groupUnits)
    expect(await frameScoresOf(documents, true)).toEqual(expected)
    expect(puts).toHaveLength(groupUnits) // nothing bootstrapped again
    // one document's hits changed: only the groups it is in are bootstrapped again
    const [first, ...rest] = documents
    const { frame_intervals: _, ...measures } = first!.measures
    const changed: Measured = { groups: first!.groups, measures: { ...measures, sentence_frame_hits: [] } }
    const memberOf = [first!.groups.outlet, first!.groups.country, first!.groups.camp].filter((group) => group !== null).length
    expect(await frameScoresOf([changed, ...rest], true)).toEqual(await frameScoresOf([changed, ...rest], false))
    expect(puts).toHaveLength(groupUnits + memberOf)
    // a damaged entry is bootstrapped again, not read
    for (const key of kept.keys()) kept.set(key, [{ low: "x" }])
    expect(await frameScoresOf(documents, true)).toEqual(expected)
  })

  it("rowsInWorkers on the seed corpus, its own intervals carried or not", async () => {
    const carried = seedCorpus()
    const expected = accumulateWith(withoutIntervals(carried), { resamples: 1000, seed: 20250101 }).finish().frame_scores
    const accumulator = accumulate(carried)
    expect(await accumulator.rowsInWorkers({ threads: 2, inlineBelowDraws: 0 }).frame_scores).toEqual(expected)
    expect(await accumulator.rowsInWorkers().frame_scores).toEqual(expected)
  })

  it("stops the workers when aborted", async () => {
    const controller = new AbortController()
    const rows = accumulate(documents).rowsInWorkers({ resamples: 200, threads: 2, inlineBelowDraws: 0, signal: controller.signal })
    controller.abort(new Error("stopped"))
    await expect(rows.frame_scores).rejects.toThrow("stopped")
  })

  it("gathers a unit's documents from the corpus laid end to end as packing them does, and bootstraps them alike", () => {
    const names = createRecordNames()
    const arena = createRecordArena()
    const frames = frameNumbers(codebooks.frames.frames)
    const records = documents
      .map(({ groups, measures }) => documentRecord(arena, groups, measures, frames, names, { resamples: 1, seed: 1 }))
      .sort((a, b) => (a.groups.doc_id < b.groups.doc_id ? -1 : 1))
    const setup = unitBootstrapSetup(records, 3, { resamples: 20, seed: 4 })
    const units = membersByGroup(records, true)
    const computed = intervalsOfUnits(setup, unitsToBootstrap(records, units))
    units.forEach((unit, i) => {
      const positions = unitsToBootstrap(records, [unit])[0]!.documents
      expect(gatherDocuments(setup.corpus, positions)).toEqual(packDocuments(unit.documents))
      expect(computed[i]).toEqual(unitIntervals(unit, 3, { resamples: 20, seed: 4 }))
    })
  })

  it("splits units between threads: each once, the costliest spread, the same every time", () => {
    expect(splitByCost([5, 1, 9, 3, 3, 7], 2)).toEqual([[2, 3, 4], [5, 0, 1]])
    expect(splitByCost([1, 1], 4)).toEqual([[0], [1]])
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (costs, parts) => {
        const split = splitByCost(costs, parts)
        expect(split.flat().sort((a, b) => a - b)).toEqual(costs.map((_, i) => i))
        expect(split.length).toBe(Math.min(parts, costs.length))
        const loads = split.map((share) => share.reduce((sum, i) => sum + costs[i]!, 0))
        // each unit goes to the least loaded share: none ends heavier than the lightest by more than the largest cost
        if (costs.length > 0) expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(Math.max(...costs))
      })
    )
  })
})

describe("TermCounts, the per-cell hash table", () => {
  it("keeps the same totals as a Map, through growth, and sorts by any ranking", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 9 })), { maxLength: 3000 }), (adds) => {
        const table = new TermCounts()
        const model = new Map<number, { count: number; docs: number }>()
        for (const [term, count] of adds) {
          table.add(term, count, 1)
          const entry = model.get(term) ?? { count: 0, docs: 0 }
          model.set(term, { count: entry.count + count, docs: entry.docs + 1 })
        }
        expect(table.size).toBe(model.size)
        expect(table.total).toBe(adds.reduce((sum, [, count]) => sum + count, 0))
        for (const [term, { count }] of model) expect(table.countOf(term)).toBe(count)
        expect(table.countOf(5001)).toBe(0)
        const rank = Int32Array.from({ length: 5001 }, (_, term) => (term * 7919) % 5003)
        const sorted = table.sortedBy(rank)
        const expected = [...model.keys()].sort((a, b) => rank[a]! - rank[b]!)
        expect(Array.from(sorted.terms)).toEqual(expected)
        expect(Array.from(sorted.docs)).toEqual(expected.map((term) => model.get(term)!.docs))
      }),
      { numRuns: 30 }
    )
  })
})
