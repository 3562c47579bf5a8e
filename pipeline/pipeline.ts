// The whole pipeline, top to bottom: documents stream one at a time, in doc_id order, from raw/ through
// ingest, clean, segment, annotate and their own counts (document.ts; in worker threads, from the
// per-document cache where they can: document-feed.ts), and their rows straight into the files of the
// version being published; only the counts stay, folded into the measures' running totals. Then the
// measure tables are written, the figures drawn, and the version finished, read back and made visible.
// A shard (--shard I/N) stops after processing its share, into a partial file; merging the partials
// publishes them exactly as one run would have.
import { existsSync, mkdirSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { Console, Effect } from "effect"
import { compareRows, type Row, type Table } from "../schemas/table.ts"
import { publishedTables } from "../schemas/index.ts"
import { documents } from "../schemas/documents.ts"
import { hashRawTexts, readManifest } from "./ingest.ts"
import { loadCodebooks } from "./codebooks.ts"
import { type AnnotatedDocument, ANNOTATION_ONLY, type TableSize, annotationInputsKey, compileContext, type DocumentCodebooks, type LeftOutPart, type ProcessedDocument, ROWS_PARTS, ROWS_TABLES, rowsOfPart, type RowsPart } from "./document.ts"
import { cachedAnnotations, cachedUnitIntervals, documentsFromPartials, documentsFromRaw, figureCacheDir, startDocumentWorkers, tableStoreDir, termStoreDir, type CacheSettings, type DocumentFeed, type DocumentWorkers } from "./document-feed.ts"
import { openTableStore, type TableStore, type TakenTable } from "./table-store.ts"
import { documentKeysById, groupIdentities, tableKeys } from "./table-keys.ts"
import { openTermStore, resumableDocuments, type TermStore } from "./term-store.ts"
import type { GroupIdentity } from "./publish/group-reuse.ts"
import { ROW_GROUP_LIMITS, rowChars } from "./publish/row-groups.ts"
import { cacheKey, codeFingerprint, type DiskCache, openDiskCache } from "./cache.ts"
import { InputError, PublishError } from "./errors.ts"
import { openPartial, partialFileName, shareOf, writePartial, type PartialFile, type ShardSpec } from "./shards.ts"
import { createMeasureAccumulator, frameLexiconRows, type MeasureAccumulator, type UnitIntervalStore, measureParameters, PRESTART_FROM_DOCUMENTS, startBootstrapPool } from "./measure/index.ts"
import { termFrequencies } from "../schemas/term_frequencies.ts"
import { keyness } from "../schemas/keyness.ts"
import { entitySalience } from "../schemas/entity_salience.ts"
import { frameLexicon } from "../schemas/frame_lexicon.ts"
import { frameHits } from "../schemas/frame_hits.ts"
import { frameScores } from "../schemas/frame_scores.ts"
import { namingVariants } from "../schemas/naming_variants.ts"
import { openVersion, type PublishResult, type VersionWriter } from "./publish.ts"
import { type FigureCache, renderFigures, rendererVersions } from "./figures.ts"
import { LabelDocuments } from "./figures/labels.ts"
import { KeyTermCandidates } from "./figures/key-terms.ts"
import { isDrawnSalience } from "./figures/entity-salience.ts"
import { isDrawnNaming } from "./figures/naming-variants.ts"
import { softwareVersions } from "./software.ts"
import type { ProgressReporter } from "./progress.ts"
import { qualitySection, readRecordedQuality } from "./eval/quality.ts"

export { processDocument, type ProcessedDocument } from "./document.ts"

export interface PipelineOptions {
  readonly rawDir: string
  readonly outDir: string
  /** Overrides dataset.yaml's version. */
  readonly version?: string
  /** Told after each document. */
  readonly progress?: ProgressReporter
  /**
   * Worker threads for the per-document stages; 0 (the default) keeps them in the main thread; "auto"
   * sizes the pool to the CPUs (document-feed.ts, poolSize).
   */
  readonly workers?: number | "auto"
  /** The per-document cache's folder; none if not given. */
  readonly cacheDir?: string
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Reads an iterable to its end (a lazy one's side effects, such as `seeing`'s, then happen). */
const drain = (rows: Iterable<unknown>): void => {
  for (const _ of rows) void _
}

/** Rows passed on as they are read, each also shown to `see`. */
function* seeing<R>(rows: Iterable<R>, see: (row: R) => void): Generator<R> {
  for (const row of rows) {
    see(row)
    yield row
  }
}

/** Whether a promise has settled yet, as far as this turn of the event loop knows. */
const whenSettled = (promise: Promise<unknown>): { settled: boolean } => {
  const state = { settled: false }
  const settle = () => {
    state.settled = true
  }
  promise.then(settle, settle)
  return state
}

/** Collects the rows `keep` wants into `kept`. */
const keeping = <R>(keep: (row: R) => boolean, kept: Array<R>) => (row: R) => {
  if (keep(row)) kept.push(row)
}

export interface PipelineSummary {
  readonly documents: number
  readonly paragraphs: number
  readonly sentences: number
  readonly tokens: number
  readonly entities: number
  readonly removedSpans: number
  readonly output: string
  readonly status: "published" | "unchanged"
  readonly warnings: ReadonlyArray<string>
}

/**
 * Stages 1–5 and the figures, into a version being written: the documents stream through one at a
 * time (their rows appended to the version, their counts folded into the measures' running totals),
 * then the group-level measure tables are appended and the figures drawn from them. What the measures
 * and figures needed is dropped when this returns: the version is finished with the figures and the
 * texts' checksums only.
 */
const writeCorpus = (version: VersionWriter, feed: DocumentFeed, total: number, run: PreparedRun, progress: ProgressReporter, { adopted, onDemand }: StoreUse, reuse: TableReuse | undefined) =>
  // Scoped here, not by the run: a finaliser left with the run's scope would keep this function's
  // variables (the measures' running totals, the groups' documents) alive while the version is finished.
  Effect.scoped(Effect.gen(function* () {
    // A table whose files were taken from the table store gets no rows.
    const write = <T extends Table<any>>(table: T, rows: Iterable<Row<T>>) => (adopted.has(table) ? Effect.void : version.append(table, rows))
    const measures = createMeasureAccumulator(run.context.measures)
    // The groups' bootstrap workers load their code while the documents are processed; they stop when
    // this returns, before the version is finished.
    const bootstrapPool = total < PRESTART_FROM_DOCUMENTS
      ? undefined
      : yield* Effect.acquireRelease(Effect.sync(() => startBootstrapPool()), (pool) => Effect.promise(() => pool.close()))
    const labelDocuments = new LabelDocuments() // what the figures read of the documents
    let documentCount = 0
    const textInputs: Array<{ readonly path: string; readonly sha256: string }> = []
    const warnings: Array<string> = []
    const counts = { paragraphs: 0, sentences: 0, tokens: 0, entities: 0, removedSpans: 0 }
    const byFrameHitOrder = compareRows(frameHits)
    const documentColumns = documents.columns.map(({ name }) => name)

    // A stored entry of a table the figures draw from keeps the rows they draw: with both term tables
    // taken, the documents' term counts are not needed at all.
    const storedKeyTerms = storedFigureRows(adopted, keyness)
    const storedSalience = storedFigureRows(adopted, entitySalience)
    const storedNaming = storedFigureRows(adopted, namingVariants)
    const termsUnneeded = adopted.has(termFrequencies) && storedKeyTerms !== undefined
    const unneeded = new Set<LeftOutPart>([
      ...ROWS_PARTS.filter((part) => adopted.has(ROWS_TABLES[part]) || onDemand?.parts.has(part)),
      ...(termsUnneeded ? ["terms" as const] : [])
    ])
    // The term totals an earlier run kept, if they count only documents of this run, unchanged: only
    // the other documents' term lists are then sent and folded in.
    const termsCounted = termsUnneeded || reuse === undefined ? new Set<string>() : resumeTerms(measures, reuse)
    /**
     * A document's rows of a table, a document at a time (a table taking row groups from its previous
     * files reads them only for a group it writes anew).
     */
    const writeDocument = <T extends Table<any>>(table: T, doc: ProcessedDocument, size: TableSize, rows: () => ReadonlyArray<Row<T>>) =>
      adopted.has(table) ? Effect.void : version.appendDocument(table, doc.document.doc_id, size, rows)
    /** A part's rows: as the document came, or read from its annotation when its table wants them. */
    const writePart = (doc: ProcessedDocument, part: RowsPart, annotation: () => AnnotatedDocument) => {
      const source = onDemand?.parts.has(part) === true ? annotation : () => doc
      return writeDocument(ROWS_TABLES[part], doc, doc.sizes.tables[part], () => rowsOfPart(source(), part) as ReadonlyArray<Row<any>>)
    }

    // 1–5a, a document at a time: read, clean, segment, annotate, count, write
    yield* feed((doc) =>
      Effect.gen(function* () {
        const { document } = doc
        yield* writeDocument(documents, doc, { rows: 1, chars: rowChars(document, documentColumns) }, () => [document])
        const annotation = onDemand === undefined ? () => doc : onDemand.read(document.doc_id)
        for (const part of ROWS_PARTS) yield* writePart(doc, part, annotation)
        yield* writeDocument(frameHits, doc, doc.frameHits, () => [...doc.measures.frame_hits].sort(byFrameHitOrder))
        // 5b. measure: only the document's counts are kept, folded into the running totals
        measures.add({ doc_id: document.doc_id, outlet: document.outlet_id, country: document.country, camp: document.camp }, doc.measures)
        labelDocuments.see(document)
        documentCount++
        textInputs.push({ path: `texts/${document.file}`, sha256: document.sha256_raw })
        warnings.push(...doc.warnings)
        counts.paragraphs += document.n_paragraphs
        counts.sentences += doc.sizes.sentences
        counts.tokens += doc.sizes.tokens
        counts.entities += doc.sizes.entities
        counts.removedSpans += doc.sizes.removedSpans
        progress({ done: documentCount, total, label: document.doc_id })
      }), unneeded, termsCounted)
    if (!termsUnneeded && reuse !== undefined && termsCounted.size !== reuse.documentKeys.size) {
      reuse.terms.put({ documents: reuse.documentKeys, state: measures.termState() })
    }

    // 5b. the group-level measures, written as they are produced; the groups' bootstrap runs on other
    // threads meanwhile (stopped if writing fails)
    const bootstrapAbort = new AbortController()
    const measureRows = measures.rowsInWorkers({
      signal: bootstrapAbort.signal,
      ...(bootstrapPool === undefined ? {} : { pool: bootstrapPool }),
      ...(reuse === undefined ? {} : { unitIntervals: reuse.unitIntervals })
    })
    const frameScoresReady = whenSettled(measureRows.frame_scores)
    const keyTerms = new KeyTermCandidates()
    const drawnSalience: Array<Row<typeof entitySalience>> = []
    const drawnNaming: Array<Row<typeof namingVariants>> = []
    const lexicon = frameLexiconRows(run.codebooks.frames)
    // The figures need some rows of these tables, even when their files are taken as they are.
    const writeSeeing = <T extends Table<any>>(table: T, rows: Iterable<Row<T>>, see: (row: Row<T>) => void) => {
      const passed = seeing(rows, see)
      return adopted.has(table) ? Effect.sync(() => drain(passed)) : version.append(table, passed)
    }
    const writeMeasures = Effect.gen(function* () {
      yield* write(termFrequencies, measureRows.term_frequencies)
      if (storedKeyTerms === undefined) yield* writeSeeing(keyness, measureRows.keyness, (row) => keyTerms.add(row))
      if (storedSalience === undefined) yield* writeSeeing(entitySalience, measureRows.entity_salience, keeping(isDrawnSalience, drawnSalience))
      yield* write(frameLexicon, lexicon)
      if (storedNaming === undefined) yield* writeSeeing(namingVariants, measureRows.naming_variants, keeping(isDrawnNaming, drawnNaming))
      // Still waiting for the groups' bootstrap (as after a frames edit, when the other measure tables
      // are taken as they are): the tables written so far are finished meanwhile.
      if (!frameScoresReady.settled) yield* version.complete(publishedTables.filter((table) => table !== frameScores))
      const frameScoreRows = yield* Effect.promise(() => measureRows.frame_scores)
      yield* write(frameScores, frameScoreRows)
      return frameScoreRows
    }).pipe(Effect.onExit(() => Effect.sync(() => bootstrapAbort.abort())))
    const frameScoreRows = yield* writeMeasures

    // the figures, drawn from the measures
    const figureKeyness = storedKeyTerms ?? keyTerms.rows()
    const figureSalience = storedSalience ?? drawnSalience
    const figureNaming = storedNaming ?? drawnNaming
    const figures = yield* Effect.promise(() => renderFigures({
      documents: labelDocuments.documents,
      frameScores: frameScoreRows,
      frameLexicon: lexicon,
      keyness: figureKeyness,
      namingVariants: figureNaming,
      entitySalience: figureSalience
    }, reuse?.figures))
    const figureRows = new Map<Table<any>, ReadonlyArray<unknown>>([[keyness, figureKeyness], [entitySalience, figureSalience], [namingVariants, figureNaming]])
    return { figures, figureRows, textInputs, warnings, documents: documentCount, counts }
  }))

/** Stage 1 and what every kind of run shares: the corpus's manifest and codebooks, read and checked. */
const prepareRun = (rawDir: string, version: string | undefined) =>
  Effect.gen(function* () {
    // 1. ingest: the manifest, the outlet registry, the dataset card, the codebooks
    const manifest = yield* readManifest(rawDir)
    const dataset = version === undefined ? manifest.dataset : { ...manifest.dataset, version }
    const codebooks = yield* loadCodebooks(rawDir)
    const documentCodebooks: DocumentCodebooks = { outlets: manifest.outlets, ...codebooks }
    const codeKey = codeFingerprint(softwareVersions())
    return {
      manifest,
      dataset,
      codebooks,
      documentCodebooks,
      context: compileContext(documentCodebooks),
      // Documents go in doc_id order: every per-document table is ordered by doc_id first, so appending
      // each document's rows as it comes writes every table in its documented order.
      sources: [...manifest.sources].sort((a, b) => compareText(a.row.doc_id, b.row.doc_id)),
      codeKey,
      /** What a shard's documents were computed from: a merge accepts only partials of the same. */
      runKey: cacheKey(manifest.inputs, codebooks.provenance, dataset, codeKey)
    }
  })

type PreparedRun = Effect.Success<ReturnType<typeof prepareRun>>

/** The document workers, started as a run begins; closed with the run. */
const startWorkers = (workers: PipelineOptions["workers"]) =>
  Effect.acquireRelease(Effect.sync(() => startDocumentWorkers(workers ?? 0)), (started) => Effect.promise(async () => started?.close()))

const processingOptions = (
  run: PreparedRun,
  options: Pick<PipelineOptions, "workers" | "cacheDir">,
  started: DocumentWorkers | undefined,
  known?: ReadonlyMap<string, string>
) => ({
  workers: options.workers ?? 0,
  started,
  known,
  cache: options.cacheDir === undefined
    ? undefined
    : { dir: options.cacheDir, codeKey: run.codeKey, inputsKey: annotationInputsKey(run.manifest.outlets, run.codebooks.provenance) }
})

/** What a run takes from the cache besides the documents: the table store (with each table's key in it for this run) and the figures. */
interface TableReuse {
  readonly store: TableStore
  /** The documents' annotations, whose rows a table taking row groups reads only for the groups it writes. */
  readonly annotations: DiskCache<AnnotatedDocument>
  readonly keys: ReadonlyMap<Table<any>, string>
  /** What each table's row groups are made from: a table written anew takes the groups of its latest entry that it makes again. */
  readonly identities: ReadonlyMap<Table<any>, GroupIdentity>
  readonly figures: FigureCache
  /** The corpus's term totals kept for re-runs, and each document's cache key by its doc_id (empty if one is not known). */
  readonly terms: TermStore
  readonly documentKeys: ReadonlyMap<string, string>
  /** The groups' bootstrap intervals, by what they were bootstrapped from. */
  readonly unitIntervals: UnitIntervalStore
}

const tableReuse = (run: PreparedRun, hashes: ReadonlyMap<string, string>, cache: CacheSettings): TableReuse => {
  const inputs = { hashes, sources: run.sources, inputsKey: cache.inputsKey, codeKey: cache.codeKey, codebookFiles: run.codebooks.provenance }
  return {
    figures: { svgs: openDiskCache<string>(figureCacheDir(cache.dir)), rendererKey: cacheKey(cache.codeKey, rendererVersions()) },
    store: openTableStore(tableStoreDir(cache.dir)),
    annotations: cachedAnnotations(cache),
    keys: tableKeys(publishedTables, inputs),
    identities: groupIdentities(publishedTables, inputs),
    terms: openTermStore(termStoreDir(cache.dir), cache.codeKey),
    unitIntervals: cachedUnitIntervals(cache),
    documentKeys: documentKeysById(inputs) ?? new Map()
  }
}

/**
 * Starts the measures from the term totals kept by an earlier run, if every document they count is in
 * this run with the same cache key; the documents whose terms they hold (none if not taken).
 */
const resumeTerms = (measures: MeasureAccumulator, reuse: TableReuse): ReadonlySet<string> => {
  const kept = reuse.terms.latest()
  const resumable = resumableDocuments(kept, reuse.documentKeys)
  if (kept === undefined || resumable.size === 0) return resumable
  try {
    measures.resumeTerms(kept.state, resumable)
    return resumable
  } catch {
    return new Set() // kept by other code, or damaged: a miss
  }
}

/** Tables taken from the table store, with their entries. */
type AdoptedTables = ReadonlyMap<Table<any>, TakenTable>

/**
 * A document's rows of the per-document tables that take row groups from their previous files, read
 * from its cached annotation only for the groups written anew (the document workers leave them out).
 */
interface RowsOnDemand {
  readonly parts: ReadonlySet<RowsPart>
  readonly read: (docId: string) => () => AnnotatedDocument
}

/**
 * The parts read on demand when their tables take row groups: those only a document's whole annotation
 * holds. Its text and cleaning_log rows come with the document, from its small measure view.
 */
const READ_ON_DEMAND = ANNOTATION_ONLY

/** What a run takes from the table store: whole tables, and row groups of others. */
interface StoreUse {
  readonly adopted: AdoptedTables
  readonly onDemand: RowsOnDemand | undefined
}

/** The tables whose stored entry must also hold the rows their figures draw (see writeCorpus). */
const drawnFromStore: ReadonlySet<Table<any>> = new Set([keyness, entitySalience, namingVariants])

/** The rows the figures draw of a table taken from the store, kept with it. */
const storedFigureRows = <T extends Table<any>>(adopted: AdoptedTables, table: T): ReadonlyArray<Row<T>> | undefined =>
  adopted.get(table)?.figureRows as ReadonlyArray<Row<T>> | undefined

/** Takes from the store every table it holds under this run's key for it, and the row groups of the others' latest entries. */
const adoptStoredTables = (version: VersionWriter, reuse: TableReuse) =>
  Effect.gen(function* () {
    const adopted = new Map<Table<any>, TakenTable>()
    const parts = new Set<RowsPart>()
    for (const [table, key] of reuse.keys) {
      const stored = reuse.store.get(key)
      if (stored === undefined || (drawnFromStore.has(table) && stored.figureRows === undefined)) continue
      yield* version.adopt(table, stored)
      adopted.set(table, stored)
    }
    for (const [table, identity] of reuse.identities) {
      if (adopted.has(table)) continue
      const previous = reuse.store.latestGroups(table.name)
      yield* version.keepGroups(table, identity, previous)
      const part = READ_ON_DEMAND.find((candidate) => ROWS_TABLES[candidate] === table)
      if (previous !== undefined && part !== undefined) parts.add(part)
    }
    const identity = reuse.identities.get(documents)
    const onDemand = parts.size === 0 || identity === undefined ? undefined : { parts, read: annotationReader(reuse.annotations, identity) }
    return { adopted, onDemand } satisfies StoreUse
  })

/** A document's cached annotation, read once when first wanted. */
const annotationReader = (annotations: DiskCache<AnnotatedDocument>, identity: GroupIdentity) => (docId: string) => {
  let annotated: AnnotatedDocument | undefined
  return () => {
    if (annotated !== undefined) return annotated
    const key = identity.documentKey(docId)
    annotated = key === undefined ? undefined : annotations.get(key)
    if (annotated === undefined) {
      throw new PublishError({ path: docId, problem: "has no annotation in the cache any more, which this run needs", fix: "Run the pipeline again (nothing else may delete the cache while it runs)." })
    }
    return annotated
  }
}

/** Keeps the tables just published in the store, for the next run. */
const keepTables = (reuse: TableReuse, result: PublishResult, figureRows: ReadonlyMap<Table<any>, ReadonlyArray<unknown>>): void => {
  for (const { table, digest, files, adopted, groups } of result.tables) {
    const key = reuse.keys.get(table)
    if (key === undefined) continue
    if (adopted) {
      reuse.store.markLatest(table.name, key)
      continue
    }
    const drawn = figureRows.get(table)
    const identity = reuse.identities.get(table)
    const places = groups === undefined || identity === undefined ? undefined : { context: identity.context, limits: ROW_GROUP_LIMITS, groups }
    reuse.store.put(key, result.path, { table: table.name, digest, files, ...(drawn === undefined ? {} : { figureRows: drawn }) }, places)
  }
}

/** Stages 1–6 into a new version: the documents from `feed`, written, measured, drawn, read back, made visible. */
const publishCorpus = (run: PreparedRun, feed: DocumentFeed, outDir: string, progress: ProgressReporter | undefined, reuse: TableReuse | undefined) =>
  Effect.gen(function* () {
    // 6. publish, opened first: the version's files are written in a staging folder as the rows come
    // (each row validated there), and the folder removed if anything fails
    const version = yield* openVersion({ outDir, dataset: run.dataset, tables: publishedTables })
    const taken: StoreUse = reuse === undefined ? { adopted: new Map(), onDemand: undefined } : yield* adoptStoredTables(version, reuse)
    // 1–5, the documents streamed through, the measures and the figures
    const corpus = yield* writeCorpus(version, feed, run.sources.length, run, progress ?? (() => {}), taken, reuse)
    // 6. the version finished, read back and moved into place
    const result = yield* version.finish({
      provenance: {
        inputs: [...run.manifest.inputs, ...corpus.textInputs],
        codebooks: run.codebooks.provenance,
        parameters: measureParameters({ codebooks: run.context.measures }),
        software: softwareVersions()
      },
      figures: corpus.figures,
      sections: [{ title: "Measured quality of the pipeline", body: qualitySection(readRecordedQuality()) }]
    })
    if (reuse !== undefined) keepTables(reuse, result, corpus.figureRows)
    return {
      documents: corpus.documents,
      ...corpus.counts,
      output: result.path,
      status: result.status,
      warnings: corpus.warnings
    } satisfies PipelineSummary
  })

export const runPipeline = (options: PipelineOptions) =>
  Effect.scoped(Effect.gen(function* () {
    const started = yield* startWorkers(options.workers)
    const run = yield* prepareRun(options.rawDir, options.version)
    // With a cache, each text is read and hashed once first: its hash finds the document in the cache
    // and the tables in the table store, and a document found in the cache is not read again.
    const hashes = options.cacheDir === undefined ? undefined : hashRawTexts(options.rawDir, run.sources)
    const processing = processingOptions(run, options, started, hashes)
    const feed = documentsFromRaw(options.rawDir, run.sources, run.documentCodebooks, run.context, processing)
    const reuse = processing.cache === undefined || hashes === undefined ? undefined : tableReuse(run, hashes, processing.cache)
    return yield* publishCorpus(run, feed, options.outDir, options.progress, reuse)
  }))

// ---------------------------------------------------------------- shards and their merge

export interface ShardOptions extends Omit<PipelineOptions, "outDir"> {
  readonly shard: ShardSpec
  /** Where the partial file goes. */
  readonly partialsDir: string
}

export interface ShardSummary {
  readonly shard: ShardSpec
  readonly documents: number
  readonly output: string
}

/** Stages 1–5a for the shard's share of the documents, into a partial file (nothing is published). */
export const runShard = (options: ShardOptions) =>
  Effect.scoped(Effect.gen(function* () {
    const started = yield* startWorkers(options.workers)
    const run = yield* prepareRun(options.rawDir, options.version)
    const share = shareOf(run.sources, options.shard)
    mkdirSync(options.partialsDir, { recursive: true })
    const partial = yield* Effect.acquireRelease(
      Effect.sync(() =>
        writePartial(options.partialsDir, {
          dataset: run.dataset.name,
          version: run.dataset.version,
          shard: options.shard,
          runKey: run.runKey,
          doc_ids: share.map(({ row }) => row.doc_id)
        })
      ),
      (writer, exit) => (exit._tag === "Failure" ? Effect.sync(() => writer.abandon()) : Effect.void)
    )
    const progress = options.progress ?? (() => {})
    let done = 0
    yield* documentsFromRaw(options.rawDir, share, run.documentCodebooks, run.context, processingOptions(run, options, started))((doc) =>
      Effect.sync(() => {
        partial.add(doc)
        progress({ done: ++done, total: share.length, label: doc.document.doc_id })
      }), new Set())
    return { shard: options.shard, documents: share.length, output: partial.finish() } satisfies ShardSummary
  }))

export interface MergeOptions {
  readonly rawDir: string
  readonly partialsDir: string
  readonly outDir: string
  readonly version?: string
  readonly progress?: ProgressReporter
}

const mergeProblem = (file: string, problem: string, fix: string) => new InputError({ file, problem, fix })

/** The partials of this run in shard order, checked to be all of them and to hold every document once. */
const findPartials = (run: PreparedRun, partialsDir: string) =>
  Effect.gen(function* () {
    const { name, version } = run.dataset
    const prefix = `${name}@${version}.shard-`
    if (!existsSync(partialsDir)) {
      return yield* mergeProblem(partialsDir, "does not exist", "Give --partials the folder the shards wrote their partials to.")
    }
    const files = readdirSync(partialsDir).filter((file) => file.startsWith(prefix) && file.endsWith(".partial"))
    const rerun = `Run the shards again with the same corpus, codebooks, code and --version, then merge.`
    if (files.length === 0) {
      return yield* mergeProblem(partialsDir, `holds no partials of ${name} ${version} (${prefix}I-of-N.partial)`, "Run every shard (npm run pipeline -- --shard I/N) first, with the same --partials folder.")
    }
    const partials: Array<PartialFile> = []
    for (const file of files) {
      const partial = yield* Effect.try({
        try: () => openPartial(join(partialsDir, file)),
        catch: (error) => mergeProblem(file, error instanceof Error ? error.message.replace(`${file} `, "") : String(error), rerun)
      })
      if (partial.header.runKey !== run.runKey) {
        return yield* mergeProblem(file, "was computed from other inputs (corpus, codebooks, code or version) than the ones given", rerun)
      }
      partials.push(partial)
    }
    const count = partials[0]!.header.shard.count
    partials.sort((a, b) => a.header.shard.index - b.header.shard.index)
    const indices = partials.map((partial) => partial.header.shard.index)
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !indices.includes(index))
    if (partials.some((partial) => partial.header.shard.count !== count) || partials.length !== count || missing.length > 0) {
      const listed = missing.map((index) => partialFileName(name, version, { index, count })).join(", ")
      return yield* mergeProblem(partialsDir, `does not hold exactly the ${count} partials of one split${listed === "" ? " (they come from splits into different numbers of shards)" : `: missing ${listed}`}`, "Run the missing shards (or remove the partials of another split), then merge.")
    }
    const merged = partials.flatMap((partial) => partial.header.doc_ids)
    const expected = run.sources.map(({ row }) => row.doc_id)
    if (merged.length !== expected.length || merged.some((id, i) => id !== expected[i])) {
      return yield* mergeProblem(partialsDir, "holds partials whose documents are not those of sources.csv", rerun)
    }
    return partials
  })

/** Publishes the N partials of a sharded run: the same dataset, byte for byte, as one run. */
export const mergeShards = (options: MergeOptions) =>
  Effect.scoped(Effect.gen(function* () {
    const run = yield* prepareRun(options.rawDir, options.version)
    const partials = yield* findPartials(run, options.partialsDir)
    return yield* publishCorpus(run, documentsFromPartials(partials), options.outDir, options.progress, undefined)
  }))


/** The closing summary: a small table on stderr, then any warnings. */
export const formatSummary = (summary: PipelineSummary): string => {
  const rows: ReadonlyArray<readonly [string, number]> = [
    ["documents", summary.documents],
    ["paragraphs", summary.paragraphs],
    ["sentences", summary.sentences],
    ["tokens", summary.tokens],
    ["entity mentions", summary.entities],
    ["removed spans", summary.removedSpans]
  ]
  const labelWidth = Math.max(...rows.map(([label]) => label.length))
  const numbers = rows.map(([, value]) => value.toLocaleString("en-US"))
  const valueWidth = Math.max(...numbers.map((text) => text.length))
  const rule = `  ${"-".repeat(labelWidth)}  ${"-".repeat(valueWidth)}`
  return [
    summary.status === "published" ? `Published ${summary.output}` : `Unchanged ${summary.output} (already published with identical content)`,
    rule,
    ...rows.map(([label], i) => `  ${label.padEnd(labelWidth)}  ${numbers[i]!.padStart(valueWidth)}`),
    rule,
    ...summary.warnings.map((warning) => `warning: ${warning}`)
  ].join("\n")
}

export const printSummary = (summary: PipelineSummary) => Console.error(formatSummary(summary))
