// The units' bootstrap on worker threads, while the main thread writes the large tables. Each unit
// draws from its own stream (seeded by the run's seed and the unit's name), so which thread
// bootstraps a unit changes nothing: units are split between threads by their cost, and their
// intervals come back in the units' order.
import { createHash } from "node:crypto"
import { availableParallelism } from "node:os"
import { createWorkerPool, type WorkerPool } from "../workers/pool.ts"
import {
  type BootstrapDocument,
  type BootstrapOptions,
  type BootstrapUnit,
  bootstrapUnitIntervals,
  gatherDocuments,
  type Interval,
  packDocuments,
  unitSeed
} from "./bootstrap.ts"
import type { GroupMember } from "./groups.ts"

/** What every worker is given once: all the documents laid end to end, and the bootstrap's settings. */
export interface UnitBootstrapSetup {
  readonly corpus: BootstrapUnit
  readonly frameCount: number
  readonly options: BootstrapOptions
}

/** A unit to bootstrap, its documents given by position in the corpus (ascending: doc_id order). */
export interface UnitToBootstrap {
  readonly groupBy: string
  readonly group: string
  readonly documents: Int32Array
}

export interface UnitBootstrapThreads {
  /** Worker threads (default: the machine's available parallelism, at most MAX_THREADS); 0 bootstraps on the calling thread. */
  readonly threads?: number
  /** Workers started beforehand (startBootstrapPool), so that loading their code overlaps other work; the caller closes it. */
  readonly pool?: BootstrapPool
  /** Below this many draws in all, the calling thread bootstraps the units (default INLINE_BELOW_DRAWS). */
  readonly inlineBelowDraws?: number
  /** Aborting it terminates the workers; the intervals' promise then rejects with its reason. */
  readonly signal?: AbortSignal
}

/** About 0.2 s of drawing: less than starting workers (each loads the TypeScript loader) costs. */
export const INLINE_BELOW_DRAWS = 5_000_000

/** The default's cap: a few units (the camps, the largest countries) hold most of the draws, and cannot be split. */
const MAX_THREADS = 8

const workerEntry = new URL("./bootstrap-worker.ts", import.meta.url)

/** A share of the units, with the documents they are made of. */
export interface BootstrapRequest {
  readonly setup: UnitBootstrapSetup
  readonly units: ReadonlyArray<UnitToBootstrap>
}

export type BootstrapPool = WorkerPool<BootstrapRequest, Array<Array<Interval | null>>> & { readonly size: number }

const defaultThreads = () => Math.min(availableParallelism(), MAX_THREADS)

/**
 * From about this many documents the groups' bootstrap is worth starting its workers at the start of a
 * run (a document has some 50 sentences and is in four units: 100 documents are ~20 million draws).
 */
export const PRESTART_FROM_DOCUMENTS = 100

/** Bootstrap workers, started ahead of the bootstrap. */
export const startBootstrapPool = (threads: number = defaultThreads()): BootstrapPool => ({
  ...createWorkerPool<BootstrapRequest, Array<Array<Interval | null>>>({ entry: workerEntry, size: threads, setup: null }),
  size: threads
})

/** The setup of a bootstrap of units made of these documents (sorted by doc_id). */
export const unitBootstrapSetup = (documents: ReadonlyArray<BootstrapDocument>, frameCount: number, options: BootstrapOptions): UnitBootstrapSetup => ({
  corpus: packDocuments(documents),
  frameCount,
  options
})

/** Units' intervals kept between runs, by what they were bootstrapped from (unitIntervalsKey). */
export interface UnitIntervalStore {
  readonly get: (key: string) => ReadonlyArray<Interval | null> | undefined
  readonly put: (key: string, intervals: ReadonlyArray<Interval | null>) => void
}

const bytesOf = (array: Int32Array | Float64Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength)

/**
 * What a unit's intervals are bootstrapped from: the settings, the frames, the unit's name (its stream
 * of draws is seeded by it) and its documents, in order, each with its sentences' tokens and hits.
 */
export const unitIntervalsKey = (
  options: BootstrapOptions,
  frameIds: ReadonlyArray<string>,
  unit: Pick<GroupMember<BootstrapDocument>, "groupBy" | "group" | "documents">
): string => {
  const hash = createHash("sha256").update(JSON.stringify(["unit frame intervals", options.resamples, options.seed, frameIds, unit.groupBy, unit.group, unit.documents.length]))
  const lengths = new Int32Array(4)
  for (const document of unit.documents) {
    const parts = [document.sentenceTokens, document.offsets, document.frames, document.hits]
    parts.forEach((part, i) => (lengths[i] = part.length))
    hash.update(bytesOf(lengths))
    for (const part of parts) hash.update(bytesOf(part))
  }
  return hash.digest("hex")
}

/** Kept intervals, if they are a unit's of `frameCount` frames (a damaged entry is a miss). */
export const keptUnitIntervals = (kept: unknown, frameCount: number): Array<Interval | null> | undefined => {
  if (!Array.isArray(kept) || kept.length !== frameCount) return undefined
  const valid = kept.every((interval) => interval === null || (typeof interval?.low === "number" && typeof interval?.high === "number"))
  return valid ? (kept as Array<Interval | null>) : undefined
}

/** Units of `documents` (the setup's, in its order) as positions in the setup's corpus. */
export const unitsToBootstrap = <D>(documents: ReadonlyArray<D>, units: ReadonlyArray<GroupMember<D>>): Array<UnitToBootstrap> => {
  const position = new Map(documents.map((document, i) => [document, i]))
  return units.map((unit) => ({ groupBy: unit.groupBy, group: unit.group, documents: Int32Array.from(unit.documents, (document) => position.get(document)!) }))
}

/** Each unit's intervals, on this thread: what a worker does with its share. */
export const intervalsOfUnits = (setup: UnitBootstrapSetup, units: ReadonlyArray<UnitToBootstrap>): Array<Array<Interval | null>> =>
  units.map((unit) =>
    bootstrapUnitIntervals(gatherDocuments(setup.corpus, unit.documents), setup.frameCount, {
      resamples: setup.options.resamples,
      unitSeed: unitSeed(setup.options.seed, unit.groupBy, unit.group)
    })
  )

/** Numbers drawn per resample, on average: one per document, one per sentence of a drawn document. */
const drawsPerResample = (corpus: BootstrapUnit, unit: UnitToBootstrap): number => {
  let sentences = 0
  for (const d of unit.documents) sentences += corpus.first[d + 1]! - corpus.first[d]!
  return unit.documents.length + sentences
}

/**
 * Positions 0 … costs.length - 1 split into at most `parts` non-empty lists of about equal total
 * cost: the costliest first, each to the least loaded list (ties: the earlier position, list).
 */
export const splitByCost = (costs: ReadonlyArray<number>, parts: number): Array<Array<number>> => {
  const lists = Array.from({ length: Math.max(parts, 1) }, () => ({ load: 0, positions: [] as Array<number> }))
  const costliestFirst = costs.map((_, i) => i).sort((a, b) => costs[b]! - costs[a]! || a - b)
  for (const i of costliestFirst) {
    const least = lists.reduce((best, list) => (list.load < best.load ? list : best))
    least.load += costs[i]!
    least.positions.push(i)
  }
  return lists.map((list) => list.positions).filter((positions) => positions.length > 0)
}

/** The promise, rejected with the signal's reason if it is aborted first. */
const abortable = <T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
  if (signal === undefined) return promise
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener("abort", onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort))
  })
}

/** Each unit's intervals, in the units' order, bootstrapped on worker threads (see UnitBootstrapThreads). */
export const bootstrapUnits = async (
  setup: UnitBootstrapSetup,
  units: ReadonlyArray<UnitToBootstrap>,
  threading: UnitBootstrapThreads = {}
): Promise<Array<Array<Interval | null>>> => {
  threading.signal?.throwIfAborted()
  const costs = units.map((unit) => drawsPerResample(setup.corpus, unit))
  const draws = setup.options.resamples * costs.reduce((sum, cost) => sum + cost, 0)
  const threads = threading.pool?.size ?? threading.threads ?? defaultThreads()
  if (threads <= 0 || draws < (threading.inlineBelowDraws ?? INLINE_BELOW_DRAWS)) return intervalsOfUnits(setup, units)
  const shares = splitByCost(costs, threads)
  const pool = threading.pool ?? startBootstrapPool(shares.length)
  try {
    const answers = await abortable(Promise.all(shares.map((share) => pool.run({ setup, units: share.map((i) => units[i]!) }))), threading.signal)
    const intervals: Array<Array<Interval | null>> = new Array(units.length)
    shares.forEach((share, s) => share.forEach((i, k) => (intervals[i] = answers[s]![k]!)))
    return intervals
  } finally {
    if (threading.pool === undefined) await pool.close()
  }
}
