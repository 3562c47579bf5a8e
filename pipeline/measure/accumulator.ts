// The measure stage's running totals. Documents stream past one at a time: `add` folds each one's
// counts in and keeps only what the group-level tables need (term totals per group, a small record
// per document); `finish` computes the tables once at the end (`rowsInWorkers`: with the groups'
// bootstrap on worker threads, while the large tables are written). The state can be written out as a
// plain JSON partial and partials of disjoint sets of documents merged, so that shards of a corpus
// processed apart give exactly the tables of a single run.
import { createHash } from "node:crypto"
import { entitySalience } from "../../schemas/entity_salience.ts"
import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, frameScores } from "../../schemas/frame_scores.ts"
import { KEYNESS_MIN_FREQUENCY, type keyness } from "../../schemas/keyness.ts"
import { namingVariants } from "../../schemas/naming_variants.ts"
import { compareRows, type Row } from "../../schemas/table.ts"
import type { Grouping, termFrequencies } from "../../schemas/term_frequencies.ts"
import type { BootstrapOptions, Interval } from "./bootstrap.ts"
import { bootstrapUnits, keptUnitIntervals, type UnitBootstrapThreads, unitBootstrapSetup, type UnitIntervalStore, unitIntervalsKey, unitsToBootstrap } from "./bootstrap-units.ts"
import type { CompiledMeasureCodebooks } from "./codebooks.ts"
import { entitySalienceRows } from "./entities.ts"
import { frameScoreRows } from "./frames.ts"
import { type GroupMember, membersByGroup } from "./groups.ts"
import { namingVariantRows } from "./naming.ts"
import {
  carriedIntervals,
  createRecordArena,
  createRecordNames,
  type DocumentRecord,
  documentRecord,
  type FrameNumbers,
  frameNumbers,
  type PartialDocument,
  recordFromJSON,
  recordIntervals,
  type RecordNames,
  recordToJSON
} from "./record.ts"
import { type PartialTermList, TermTotals, type TermTotalsState } from "./terms.ts"
import type { DocumentGroups, DocumentMeasures } from "./types.ts"

export interface BootstrapSettings {
  /** Bootstrap resamples per unit (default BOOTSTRAP_RESAMPLES). */
  readonly resamples?: number
  /** Bootstrap seed (default BOOTSTRAP_SEED). */
  readonly seed?: number
}

export interface FinishOptions extends BootstrapSettings {
  /** Minimum corpus frequency of a keyness term (default KEYNESS_MIN_FREQUENCY). */
  readonly keynessMinFrequency?: number
}

export interface MeasureTables {
  readonly term_frequencies: Array<Row<typeof termFrequencies>>
  readonly keyness: Array<Row<typeof keyness>>
  readonly entity_salience: Array<Row<typeof entitySalience>>
  readonly frame_scores: Array<Row<typeof frameScores>>
  readonly naming_variants: Array<Row<typeof namingVariants>>
}

/**
 * The same tables as rows produced on demand, each in its table's order. term_frequencies and
 * keyness grow with the vocabulary times the groups (millions of rows for thousands of documents),
 * entity_salience and naming_variants with the documents: a writer that takes rows one at a time need
 * never hold them all.
 */
export interface MeasureRows {
  readonly term_frequencies: Iterable<Row<typeof termFrequencies>>
  readonly keyness: Iterable<Row<typeof keyness>>
  readonly entity_salience: Iterable<Row<typeof entitySalience>>
  readonly frame_scores: ReadonlyArray<Row<typeof frameScores>>
  readonly naming_variants: Iterable<Row<typeof namingVariants>>
}

/** MeasureRows with frame_scores still being worked out (the groups' bootstrap, on worker threads). */
export interface PendingMeasureRows extends Omit<MeasureRows, "frame_scores"> {
  readonly frame_scores: Promise<ReadonlyArray<Row<typeof frameScores>>>
}

type Unit = GroupMember<DocumentRecord>

export const PARTIAL_FORMAT = "discourse-pipeline measure partial"
export const PARTIAL_VERSION = 1

/**
 * An accumulator's state as plain JSON (`toJSON`), deterministic: the same documents give the same
 * partial, byte for byte, whatever order they were added or merged in.
 */
export interface MeasurePartial {
  readonly format: typeof PARTIAL_FORMAT
  readonly version: typeof PARTIAL_VERSION
  /** The codebooks the documents were measured with; partials merge only under the same ones. */
  readonly codebooks: { readonly frames_version: string; readonly naming_version: string; readonly sha256: string }
  /** The bootstrap options the documents' own intervals were worked out with. */
  readonly bootstrap: { readonly resamples: number; readonly seed: number }
  /** One per document, sorted by doc_id. */
  readonly documents: ReadonlyArray<PartialDocument>
  /** One per frequency list, ordered by form, then n-gram size. */
  readonly terms: ReadonlyArray<PartialTermList>
}

const fingerprint = (codebooks: CompiledMeasureCodebooks) => ({
  frames_version: codebooks.frames.version,
  naming_version: codebooks.naming.version,
  sha256: createHash("sha256").update(JSON.stringify(codebooks)).digest("hex")
})

const byDocId = (a: DocumentRecord, b: DocumentRecord) => (a.groups.doc_id < b.groups.doc_id ? -1 : a.groups.doc_id > b.groups.doc_id ? 1 : 0)

export class MeasureAccumulator {
  private readonly terms = new TermTotals()
  private readonly records = new Map<string, DocumentRecord>()
  /** Where the records keep their counts. */
  private readonly arena = createRecordArena()
  /** Documents whose terms the totals hold already (resumeTerms): each must still be added, its terms are not. */
  private readonly termsCounted = new Set<string>()
  /** The entity names and naming variants the records number. */
  private readonly names: RecordNames = createRecordNames()
  /** Frame ids sorted: records number frames by position here. */
  private readonly frameIds: ReadonlyArray<string>
  private readonly frames: FrameNumbers
  private readonly codebookFingerprint: MeasurePartial["codebooks"]
  /** Each document's own intervals are worked out under these (if its measures do not carry them); finish's default. */
  readonly bootstrap: MeasurePartial["bootstrap"]
  /** Changes with every document, so that rows being read out notice a later add. */
  private generation = 0

  constructor(
    readonly codebooks: CompiledMeasureCodebooks,
    bootstrap: BootstrapSettings = {}
  ) {
    this.frames = frameNumbers(codebooks.frames.frames)
    this.frameIds = this.frames.ids
    this.codebookFingerprint = fingerprint(codebooks)
    this.bootstrap = { resamples: bootstrap.resamples ?? BOOTSTRAP_RESAMPLES, seed: bootstrap.seed ?? BOOTSTRAP_SEED }
  }

  /** Documents folded in so far. */
  get size(): number {
    return this.records.size
  }

  /** Folds one document in. Throws, changing nothing, if it was added before or its counts are malformed. */
  add(groups: DocumentGroups, measures: DocumentMeasures): void {
    if (this.records.has(groups.doc_id)) throw new Error(`measure: document ${groups.doc_id} given twice`)
    const carried = carriedIntervals(measures, this.frames, this.bootstrap)
    const record = documentRecord(this.arena, groups, measures, this.frames, this.names, this.bootstrap, carried)
    if (!this.termsCounted.has(groups.doc_id)) this.terms.add(record.groups, measures.terms)
    this.records.set(record.groups.doc_id, record)
    this.generation++
  }

  /**
   * Starts from the term totals of `documents` kept by an earlier run (termState): each of those
   * documents must still be added, for its other counts, but its term lists are not read. Only before
   * any document is added; reading the tables before every one of them is added is an error.
   */
  resumeTerms(state: TermTotalsState, documents: Iterable<string>): void {
    if (this.records.size > 0 || this.termsCounted.size > 0) throw new Error("measure: term totals can only be resumed before any document is added")
    this.terms.restore(state)
    for (const docId of documents) this.termsCounted.add(docId)
    this.generation++
  }

  /** The term totals as they are, for resumeTerms in a later run (valid only if every document was added with its terms). */
  termState(): TermTotalsState {
    return this.terms.state()
  }

  /** Folds in a partial result (another accumulator's toJSON) whose documents are all new here. */
  merge(partial: unknown): void {
    if (this.termsCounted.size > 0) throw new Error("measure: partial results cannot be merged into resumed term totals")
    const checked = checkPartial(partial, this.codebookFingerprint)
    const sameBootstrap = checked.bootstrap.resamples === this.bootstrap.resamples && checked.bootstrap.seed === this.bootstrap.seed
    const records = checked.documents.map((document) => {
      if (this.records.has(document.doc_id)) {
        throw new Error(`measure: document ${document.doc_id} is in more than one partial result; partials must hold disjoint sets of documents`)
      }
      return recordFromJSON(this.arena, document, this.frames, this.names, this.bootstrap, sameBootstrap)
    })
    this.terms.addPartial(checked.terms)
    for (const record of records) this.records.set(record.groups.doc_id, record)
    this.generation++
  }

  toJSON(): MeasurePartial {
    return {
      format: PARTIAL_FORMAT,
      version: PARTIAL_VERSION,
      codebooks: this.codebookFingerprint,
      bootstrap: this.bootstrap,
      documents: [...this.records.values()].sort(byDocId).map((record) => recordToJSON(record, this.frameIds, this.names)),
      terms: this.terms.toJSON()
    }
  }

  /**
   * The group-level tables, rows in each table's documented order. term_frequencies and keyness
   * are produced as they are read; adding a document before they are read through is an error.
   * Bootstrap options default to the accumulator's.
   */
  rows(options: FinishOptions = {}): MeasureRows {
    const { rows, units, bootstrap, knownIntervals } = this.snapshot(options)
    return { ...rows, frame_scores: this.frameScoreTable(units, bootstrap, knownIntervals) }
  }

  /**
   * rows(), but frame_scores comes as a promise: the bootstrap of the units whose intervals are not
   * known yet (the groups') starts now on worker threads, while the caller reads term_frequencies
   * and keyness. The same rows as rows(), whatever the threads.
   */
  rowsInWorkers(options: FinishOptions & UnitBootstrapThreads & { readonly unitIntervals?: UnitIntervalStore } = {}): PendingMeasureRows {
    const { rows, records, units, bootstrap, knownIntervals } = this.snapshot(options)
    const store = options.unitIntervals
    const unknown = units.filter((unit) => knownIntervals(unit) === null)
    // A unit bootstrapped before from the same documents, sentences and hits is not bootstrapped again.
    const keys = new Map(store === undefined ? [] : unknown.map((unit) => [unit, unitIntervalsKey(bootstrap, this.frameIds, unit)]))
    const kept = new Map<Unit, ReadonlyArray<Interval | null>>()
    for (const [unit, key] of keys) {
      const found = keptUnitIntervals(store!.get(key), this.frames.count)
      if (found !== undefined) kept.set(unit, found)
    }
    const toBootstrap = unknown.filter((unit) => !kept.has(unit))
    const setup = unitBootstrapSetup(records, this.frames.count, bootstrap)
    const frameScores = bootstrapUnits(setup, unitsToBootstrap(records, toBootstrap), options).then((intervals) => {
      toBootstrap.forEach((unit, i) => {
        kept.set(unit, intervals[i]!)
        store?.put(keys.get(unit)!, intervals[i]!)
      })
      return this.frameScoreTable(units, bootstrap, (unit) => knownIntervals(unit) ?? kept.get(unit)!)
    })
    frameScores.catch(() => {}) // a caller that stops before awaiting it is not left an unhandled rejection
    return { ...rows, frame_scores: frameScores }
  }

  /** What rows() reads: the documents, the units, and every table but frame_scores. */
  private snapshot(options: FinishOptions) {
    const generation = this.generation
    const check = () => {
      if (this.generation !== generation) throw new Error("measure: a document was added while the tables were being read")
    }
    const missing = [...this.termsCounted].find((docId) => !this.records.has(docId))
    if (missing !== undefined) throw new Error(`measure: the resumed term totals count document ${missing}, which was not added`)
    const records = [...this.records.values()].sort(byDocId)
    const units = membersByGroup(records, true)
    const tokens = new Map(units.map((unit) => [`${unit.groupBy}\u0001${unit.group}`, unit.documents.reduce((sum, d) => sum + d.tokens, 0)]))
    const tokensOf = (grouping: Grouping, group: string) => tokens.get(`${grouping}\u0001${group}`) ?? 0
    const bootstrap = { resamples: options.resamples ?? this.bootstrap.resamples, seed: options.seed ?? this.bootstrap.seed }
    // documents' own intervals were worked out under this.bootstrap
    const added = bootstrap.resamples === this.bootstrap.resamples && bootstrap.seed === this.bootstrap.seed
    const knownIntervals = (unit: Unit) => (added && unit.groupBy === "document" ? recordIntervals(unit.documents[0]!) : null)
    const minFrequency = options.keynessMinFrequency ?? KEYNESS_MIN_FREQUENCY
    const terms = this.terms
    const rows = {
      term_frequencies: { [Symbol.iterator]: () => terms.termFrequencyRows(tokensOf, check) },
      keyness: { [Symbol.iterator]: () => terms.keynessRows(minFrequency, check) },
      entity_salience: entitySalienceRows(units, records, this.names.entities),
      naming_variants: namingVariantRows(units, this.codebooks.naming.concepts, this.names.variants)
    }
    return { rows, records, units, bootstrap, knownIntervals }
  }

  /** frame_scores in its table's order; a unit whose `intervalsOf` is null is bootstrapped here. */
  private frameScoreTable(
    units: ReadonlyArray<Unit>,
    bootstrap: BootstrapOptions,
    intervalsOf: (unit: Unit) => ReadonlyArray<Interval | null> | null
  ): Array<Row<typeof frameScores>> {
    return units.flatMap((unit) => frameScoreRows(unit, this.frameIds, bootstrap, intervalsOf(unit))).sort(compareRows(frameScores))
  }

  /** The group-level tables, each in its documented order: the same whatever order documents came in. */
  finish(options: FinishOptions = {}): MeasureTables {
    const rows = this.rows(options)
    return {
      term_frequencies: [...rows.term_frequencies],
      keyness: [...rows.keyness],
      entity_salience: [...rows.entity_salience],
      frame_scores: [...rows.frame_scores],
      naming_variants: [...rows.naming_variants]
    }
  }
}

/** An empty accumulator; `bootstrap` as the run will publish (the defaults unless changed). */
export const createMeasureAccumulator = (codebooks: CompiledMeasureCodebooks, bootstrap: BootstrapSettings = {}): MeasureAccumulator =>
  new MeasureAccumulator(codebooks, bootstrap)

/** An accumulator holding the documents of a partial result. */
export const accumulatorFromJSON = (codebooks: CompiledMeasureCodebooks, partial: unknown, bootstrap: BootstrapSettings = {}): MeasureAccumulator => {
  const accumulator = new MeasureAccumulator(codebooks, bootstrap)
  accumulator.merge(partial)
  return accumulator
}

/** One accumulator from the partials of disjoint sets of documents (shards): as if one had seen them all. */
export const mergeAccumulators = (
  codebooks: CompiledMeasureCodebooks,
  partials: Iterable<unknown>,
  bootstrap: BootstrapSettings = {}
): MeasureAccumulator => {
  const accumulator = new MeasureAccumulator(codebooks, bootstrap)
  for (const partial of partials) accumulator.merge(partial)
  return accumulator
}

// --- Checking a partial read back from disk -----------------------------------------------------

const fail = (what: string): never => {
  throw new Error(`measure: not a valid partial result: ${what}`)
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)
const isString = (value: unknown): value is string => typeof value === "string"
const isNullableString = (value: unknown): value is string | null => value === null || typeof value === "string"
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0

const arrayAt = (value: unknown, where: string): ReadonlyArray<unknown> => (Array.isArray(value) ? value : fail(`${where} is not an array`))

const countsAt = (value: unknown, length: number, where: string): ReadonlyArray<number> => {
  const array = arrayAt(value, where)
  if (array.length !== length) fail(`${where} has ${array.length} entries, expected ${length}`)
  for (const entry of array) if (!isCount(entry)) fail(`${where} holds ${JSON.stringify(entry)}, not a count`)
  return array as ReadonlyArray<number>
}

const checkDocument = (value: unknown, i: number): PartialDocument => {
  const where = `documents[${i}]`
  if (!isRecord(value)) return fail(`${where} is not an object`)
  const { doc_id, outlet, country, camp, tokens, sentence_tokens, sentence_frame_hits, entities, naming } = value
  if (!isString(doc_id)) fail(`${where}.doc_id is not a string`)
  if (!isNullableString(outlet) || !isNullableString(country) || !isNullableString(camp)) fail(`${where}: outlet, country and camp must be strings or null`)
  if (typeof tokens !== "number") fail(`${where}.tokens is not a number`)
  arrayAt(sentence_tokens, `${where}.sentence_tokens`)
  for (const [k, entry] of arrayAt(sentence_frame_hits, `${where}.sentence_frame_hits`).entries()) {
    if (!isRecord(entry) || typeof entry["sentence"] !== "number" || !isString(entry["frame_id"]) || typeof entry["hits"] !== "number") {
      fail(`${where}.sentence_frame_hits[${k}] is not {sentence, frame_id, hits}`)
    }
  }
  for (const [k, entry] of arrayAt(entities, `${where}.entities`).entries()) {
    if (!isRecord(entry) || !isString(entry["entity_id"]) || !isString(entry["canonical"]) || !isString(entry["type"]) || typeof entry["mentions"] !== "number") {
      fail(`${where}.entities[${k}] is not {entity_id, canonical, type, mentions}`)
    }
  }
  for (const bound of arrayAt(value["intervals"], `${where}.intervals`)) {
    if (bound !== null && typeof bound !== "number") fail(`${where}.intervals holds ${JSON.stringify(bound)}, not a number or null`)
  }
  for (const [k, entry] of arrayAt(naming, `${where}.naming`).entries()) {
    if (!isRecord(entry) || !isString(entry["concept"]) || !isString(entry["variant"]) || typeof entry["count"] !== "number") {
      fail(`${where}.naming[${k}] is not {concept, variant, count}`)
    }
  }
  return value as unknown as PartialDocument
}

const checkTermList = (value: unknown, i: number): PartialTermList => {
  const where = `terms[${i}]`
  if (!isRecord(value)) return fail(`${where} is not an object`)
  if (value["form"] !== "lemma" && value["form"] !== "normal") fail(`${where}.form is not lemma or normal`)
  if (value["ngram"] !== 1 && value["ngram"] !== 2) fail(`${where}.ngram is not 1 or 2`)
  const terms = arrayAt(value["terms"], `${where}.terms`)
  for (const term of terms) if (!isString(term)) fail(`${where}.terms holds ${JSON.stringify(term)}, not a string`)
  countsAt(value["counts"], terms.length, `${where}.counts`)
  const stop = arrayAt(value["stop"], `${where}.stop`)
  if (stop.length !== terms.length || stop.some((flag) => flag !== 0 && flag !== 1)) fail(`${where}.stop must hold a 0 or 1 per term`)
  for (const [k, cell] of arrayAt(value["cells"], `${where}.cells`).entries()) {
    const at = `${where}.cells[${k}]`
    if (!isRecord(cell)) return fail(`${at} is not an object`)
    if (!isNullableString(cell["outlet"]) || !isNullableString(cell["country"]) || !isNullableString(cell["camp"])) {
      fail(`${at}: outlet, country and camp must be strings or null`)
    }
    const positions = arrayAt(cell["terms"], `${at}.terms`)
    positions.forEach((position, j) => {
      if (!isCount(position) || position >= terms.length || (j > 0 && position <= (positions[j - 1] as number))) {
        fail(`${at}.terms must be ascending positions in ${where}.terms`)
      }
    })
    countsAt(cell["counts"], positions.length, `${at}.counts`)
    countsAt(cell["docs"], positions.length, `${at}.docs`)
  }
  return value as unknown as PartialTermList
}

/** The partial, checked in shape and against the codebooks it must have been measured with. */
const checkPartial = (value: unknown, codebooks: MeasurePartial["codebooks"]): MeasurePartial => {
  if (!isRecord(value) || value["format"] !== PARTIAL_FORMAT) return fail(`its format is not "${PARTIAL_FORMAT}"`)
  if (value["version"] !== PARTIAL_VERSION) fail(`version ${JSON.stringify(value["version"])}; this pipeline reads version ${PARTIAL_VERSION}`)
  const theirs = value["codebooks"]
  if (!isRecord(theirs) || theirs["sha256"] !== codebooks.sha256) {
    const described = isRecord(theirs) ? `frames ${String(theirs["frames_version"])}, naming ${String(theirs["naming_version"])}` : "unknown codebooks"
    throw new Error(
      `measure: the partial result was measured with other codebooks (${described}) than this run's (frames ${codebooks.frames_version}, naming ${codebooks.naming_version}); re-run its shard with the same codebooks`
    )
  }
  const bootstrap = value["bootstrap"]
  if (!isRecord(bootstrap) || !isCount(bootstrap["resamples"]) || typeof bootstrap["seed"] !== "number") fail("bootstrap is not {resamples, seed}")
  const documents = arrayAt(value["documents"], "documents").map(checkDocument)
  documents.forEach((document, i) => {
    if (i > 0 && documents[i - 1]!.doc_id >= document.doc_id) fail(`documents are not sorted by doc_id, or ${document.doc_id} is listed twice`)
  })
  const terms = arrayAt(value["terms"], "terms").map(checkTermList)
  return { format: PARTIAL_FORMAT, version: PARTIAL_VERSION, codebooks, bootstrap: value["bootstrap"] as MeasurePartial["bootstrap"], documents, terms }
}
