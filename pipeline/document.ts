// Stages 2–5a for one document: clean, segment, annotate (the expensive part, which the per-document
// cache keeps), then the document's own counts for the measure stage (cheap, recomputed from the cached
// annotation so that editing the framing or naming codebook does not redo the annotation). Pure
// functions of the raw document and the codebooks: they run in the main thread or in a worker alike.
import type { Row, Table } from "../schemas/table.ts"
import type { documents } from "../schemas/documents.ts"
import { texts } from "../schemas/texts.ts"
import { cleaningLog } from "../schemas/cleaning_log.ts"
import { sentences } from "../schemas/sentences.ts"
import { tokens } from "../schemas/tokens.ts"
import { entities } from "../schemas/entities.ts"
import { frameHits } from "../schemas/frame_hits.ts"
import { rowChars } from "./publish/row-groups.ts"
import type { OutletRow } from "../schemas/inputs/outlets.ts"
import type { BoilerplateCodebook } from "../schemas/inputs/boilerplate.ts"
import type { Gazetteer } from "../schemas/inputs/gazetteer.ts"
import type { FrameCodebook } from "../schemas/inputs/frames.ts"
import type { NamingCodebook } from "../schemas/inputs/naming.ts"
import type { RawDocument } from "./ingest.ts"
import type { SourceRow } from "../schemas/inputs/sources.ts"
import { assignOutlet } from "./outlets.ts"
import { clean } from "./clean.ts"
import { analyse } from "./nlp.ts"
import { segment, type Segmentation } from "./segment.ts"
import { annotate } from "./annotate.ts"
import { compileGazetteer, type CompiledGazetteer } from "./entities.ts"
import { join } from "node:path"
import { cacheKey, openDiskCache, type DiskCache } from "./cache.ts"
import {
  compileMeasureCodebooks,
  countCodebookFree,
  matchableSentences,
  measureDocument,
  measureMatchable,
  assembleMeasures,
  countFrames,
  countNaming,
  packSentences,
  tokensBySentence,
  unpackSentences,
  type CodebookFreeCounts,
  type CompiledMeasureCodebooks,
  type DocumentMeasures,
  type FrameCounts,
  type MatchableDocument,
  type NamingCount,
  type PackedSentences
} from "./measure/index.ts"
import type { KeptFrameIntervals } from "./measure/record.ts"

/** What the per-document stages read besides the document: plain data, so it can be sent to a worker. */
export interface DocumentCodebooks {
  readonly outlets: ReadonlyMap<string, OutletRow>
  readonly boilerplate: BoilerplateCodebook
  readonly gazetteer: Gazetteer
  readonly frames: FrameCodebook
  readonly naming: NamingCodebook
}

export interface DocumentContext {
  readonly outlets: ReadonlyMap<string, OutletRow>
  readonly boilerplate: BoilerplateCodebook
  readonly gazetteer: CompiledGazetteer
  readonly measures: CompiledMeasureCodebooks
}

/**
 * The codebooks compiled for the per-document stages; `measures` if already compiled (by the main
 * thread, for a worker). The gazetteer is compiled when first read: a run whose annotations all come
 * from the cache never needs it, nor wink-nlp's model.
 */
export const compileContext = (codebooks: DocumentCodebooks, measures?: CompiledMeasureCodebooks): DocumentContext => {
  let gazetteer: CompiledGazetteer | undefined
  return {
    outlets: codebooks.outlets,
    boilerplate: codebooks.boilerplate,
    get gazetteer() {
      return (gazetteer ??= compileGazetteer(codebooks.gazetteer))
    },
    measures: measures ?? compileMeasureCodebooks(codebooks.frames, codebooks.naming)
  }
}

/** A document through stages 2–4: its rows of the per-document tables. What the cache holds. */
export interface AnnotatedDocument {
  readonly document: Row<typeof documents>
  readonly text: Row<typeof texts>
  readonly cleaningLog: ReadonlyArray<Row<typeof cleaningLog>>
  readonly sentences: ReadonlyArray<Row<typeof sentences>>
  readonly tokens: ReadonlyArray<Row<typeof tokens>>
  readonly entities: ReadonlyArray<Row<typeof entities>>
  readonly warnings: ReadonlyArray<string>
}

/** The parts of a processed document that hold a per-document table's rows. */
export type RowsPart = "text" | "cleaningLog" | "sentences" | "tokens" | "entities"
export const ROWS_PARTS: ReadonlyArray<RowsPart> = ["text", "cleaningLog", "sentences", "tokens", "entities"]

/** The tables whose rows each part holds. */
export const ROWS_TABLES: Readonly<Record<RowsPart, Table<any>>> = { text: texts, cleaningLog, sentences, tokens, entities }

/** A document's rows in one table: how many, and their text as row groups measure it (row-groups.ts). */
export interface TableSize {
  readonly rows: number
  readonly chars: number
}

export interface ProcessedDocument extends AnnotatedDocument {
  /** This document's counts for the measure stage (and its frame_hits rows). */
  readonly measures: DocumentMeasures
  /**
   * Rows of the per-document tables, for the run's summary, and each table's size, for its row groups
   * (whether or not the rows are kept: see leaveOut).
   */
  readonly sizes: {
    readonly sentences: number
    readonly tokens: number
    readonly entities: number
    readonly removedSpans: number
    readonly tables: Readonly<Record<RowsPart, TableSize>>
  }
  /** The size of its frame_hits rows (measures.frame_hits), worked out where it is processed. */
  readonly frameHits: TableSize
}

/**
 * What a run may leave out of a processed document: the rows of tables taken from the table store,
 * and the term counts when term_frequencies and keyness are both taken from it.
 */
export type LeftOutPart = RowsPart | "terms"

/**
 * The document with `parts` emptied, so that they need not cross from a worker thread to the writer.
 * Everything else (the other measures, the documents row, the sizes) is kept.
 */
export const leaveOut = (doc: ProcessedDocument, parts: ReadonlySet<LeftOutPart>): ProcessedDocument =>
  parts.size === 0
    ? doc
    : {
      ...doc,
      text: parts.has("text") ? { doc_id: doc.text.doc_id, text_clean: "" } : doc.text,
      cleaningLog: parts.has("cleaningLog") ? [] : doc.cleaningLog,
      sentences: parts.has("sentences") ? [] : doc.sentences,
      tokens: parts.has("tokens") ? [] : doc.tokens,
      entities: parts.has("entities") ? [] : doc.entities,
      measures: parts.has("terms") ? { ...doc.measures, terms: [] } : doc.measures
    }

const sentenceRows = (docId: string, segmentation: Segmentation, text: string): Array<Row<typeof sentences>> =>
  segmentation.sentences.map((sentence, index) => ({
    doc_id: docId,
    sentence_id: `${docId}#s${index}`,
    paragraph: sentence.paragraph,
    index,
    start: sentence.start,
    end: sentence.end,
    text: text.slice(sentence.start, sentence.end),
    n_tokens: 0,
    is_heading: sentence.isHeading
  }))

const countTokensPerSentence = (
  rows: ReadonlyArray<Row<typeof sentences>>,
  tokenRows: ReadonlyArray<Row<typeof tokens>>
): Array<Row<typeof sentences>> => {
  const counts = new Map<string, number>()
  for (const token of tokenRows) counts.set(token.sentence_id, (counts.get(token.sentence_id) ?? 0) + 1)
  return rows.map((row) => ({ ...row, n_tokens: counts.get(row.sentence_id) ?? 0 }))
}

/** Stages 2–4: outlet, clean, segment, annotate. */
export const annotateDocument = (doc: RawDocument, context: DocumentContext): AnnotatedDocument => {
  const { source } = doc
  const outlet = assignOutlet(source, doc.raw, context.outlets) // before cleaning: cues live in boilerplate
  const cleaned = clean(doc.raw, context.boilerplate)
  const analysis = analyse(cleaned.text) // one wink-nlp pass, shared by segment and annotate
  const segmentation = segment(cleaned.text, analysis)
  const annotation = annotate(source.doc_id, cleaned.text, analysis, sentenceRows(source.doc_id, segmentation, cleaned.text), context.gazetteer)
  const sentenceTable = countTokensPerSentence(sentenceRows(source.doc_id, segmentation, cleaned.text), annotation.tokens)

  const title = source.title ?? cleaned.found.title?.value ?? null
  const author = source.author ?? cleaned.found.author?.value ?? null
  const document: Row<typeof documents> = {
    doc_id: source.doc_id,
    file: source.file,
    outlet_id: outlet.outlet_id,
    outlet: outlet.outlet,
    country: outlet.country,
    camp: outlet.camp,
    outlet_source: outlet.outlet_source,
    outlet_evidence: outlet.outlet_evidence,
    genre: source.genre,
    language: source.language,
    title,
    title_source: source.title !== null ? "manifest" : title !== null ? "text" : null,
    author,
    author_source: source.author !== null ? "manifest" : author !== null ? "text" : null,
    published: source.published,
    url: source.url,
    n_chars_raw: doc.raw.length,
    n_chars_clean: cleaned.text.length,
    n_paragraphs: segmentation.paragraphs.length,
    n_sentences: sentenceTable.length,
    n_tokens: annotation.tokens.length,
    sha256_raw: doc.sha256
  }
  return {
    document,
    text: { doc_id: source.doc_id, text_clean: cleaned.text },
    cleaningLog: cleaned.removed.map((span) => ({
      doc_id: source.doc_id,
      start: span.start,
      end: span.end,
      removed_text: span.text,
      rule: span.rule
    })),
    sentences: sentenceTable,
    tokens: annotation.tokens,
    entities: annotation.entities,
    warnings: outlet.warning === null ? [] : [outlet.warning]
  }
}

/** The annotation as the measure stage reads it. */
const measureInput = (annotated: AnnotatedDocument) => ({
  document: annotated.document,
  text: annotated.text.text_clean,
  sentences: annotated.sentences,
  tokens: annotated.tokens,
  entities: annotated.entities
})

const tableSize = (table: Table<any>, rows: ReadonlyArray<object>): TableSize => {
  const names = table.columns.map(({ name }) => name)
  let chars = 0
  for (const row of rows) chars += rowChars(row as Record<string, unknown>, names)
  return { rows: rows.length, chars }
}

/** A document's rows in each part, as an annotation holds them. */
export const rowsOfPart = (annotated: AnnotatedDocument, part: RowsPart): ReadonlyArray<object> =>
  part === "text" ? [annotated.text] : annotated[part]

const sizesOf = (annotated: AnnotatedDocument): ProcessedDocument["sizes"] => ({
  sentences: annotated.sentences.length,
  tokens: annotated.tokens.length,
  entities: annotated.entities.length,
  removedSpans: annotated.cleaningLog.length,
  tables: Object.fromEntries(ROWS_PARTS.map((part) => [part, tableSize(ROWS_TABLES[part], rowsOfPart(annotated, part))])) as Record<RowsPart, TableSize>
})

/** Stage 5a: the document's own counts, from its annotation (and its codebook-free counts, if kept). */
export const measureAnnotated = (
  annotated: AnnotatedDocument,
  measures: CompiledMeasureCodebooks,
  counts: CodebookFreeCounts = countCodebookFree(measureInput(annotated))
): ProcessedDocument => withMeasures({ ...annotated, sizes: sizesOf(annotated) }, measureDocument(measureInput(annotated), measures, {}, counts))

/** The document with its measures, and the size of its frame_hits rows. */
const withMeasures = (doc: Omit<ProcessedDocument, "measures" | "frameHits">, measures: DocumentMeasures): ProcessedDocument =>
  ({ ...doc, measures, frameHits: tableSize(frameHits, measures.frame_hits) })

/** Stages 2–5a for one document: pure, so it can run in a worker or come from a cache. */
export const processDocument = (doc: RawDocument, context: DocumentContext): ProcessedDocument =>
  measureAnnotated(annotateDocument(doc, context), context.measures)

/**
 * What a document's annotation depends on besides the code: the whole outlet registry (outlets are
 * inferred from its cues) and the boilerplate and gazetteer codebooks, by the SHA-256 of their files.
 * The framing and naming codebooks are left out on purpose: they only shape the counts, which are
 * recomputed.
 */
export const annotationInputsKey = (
  outlets: ReadonlyMap<string, OutletRow>,
  codebookFiles: ReadonlyArray<{ readonly name: string; readonly sha256: string }>
): string =>
  cacheKey(
    [...outlets.entries()],
    codebookFiles.filter(({ name }) => name === "boilerplate" || name === "gazetteer").map(({ name, sha256 }) => [name, sha256])
  )

/** The cache entry of one document: its raw bytes, its manifest row, the codebooks and the code. */
export const documentCacheKey = (doc: Pick<RawDocument, "source" | "sha256">, inputsKey: string, codeKey: string): string =>
  cacheKey("annotated-document", codeKey, inputsKey, doc.sha256, doc.source)

/**
 * The second part of a cache entry: what a run needs of the document besides its tokens, sentences and
 * entities (which a run that takes their tables from the table store, or most of their row groups,
 * does not read): its documents row, sizes and warnings, its clean text and cleaning_log rows, its
 * codebook-free counts and what the framing and naming codebooks are matched on; small and quick to read.
 */
export interface MeasureView {
  readonly document: Row<typeof documents>
  readonly warnings: ReadonlyArray<string>
  readonly sizes: ProcessedDocument["sizes"]
  readonly text: string
  readonly cleaningLog: ReadonlyArray<Row<typeof cleaningLog>>
  readonly sentences: PackedSentences
  readonly counts: CodebookFreeCounts
}

/** A measure view as the cache keeps it: its term lists apart. */
type StoredView = Omit<MeasureView, "counts"> & { readonly counts: Omit<CodebookFreeCounts, "terms"> }

export const measureViewOf = (annotated: AnnotatedDocument): MeasureView => ({
  document: annotated.document,
  warnings: annotated.warnings,
  sizes: sizesOf(annotated),
  text: annotated.text.text_clean,
  cleaningLog: annotated.cleaningLog,
  sentences: packSentences(matchableSentences(tokensBySentence(measureInput(annotated)))),
  counts: countCodebookFree(measureInput(annotated))
})

/** The document as its measure view holds it (without its tokens, sentences and entities), with its measures. */
const fromView = (view: MeasureView, measures: DocumentMeasures): ProcessedDocument => withMeasures({
  document: view.document,
  text: { doc_id: view.document.doc_id, text_clean: view.text },
  cleaningLog: view.cleaningLog,
  sentences: [],
  tokens: [],
  entities: [],
  warnings: view.warnings,
  sizes: view.sizes
}, measures)

const matchableOf = (view: MeasureView): MatchableDocument => ({ doc_id: view.document.doc_id, text: view.text, sentences: unpackSentences(view.sentences) })

const matchableOfAnnotated = (annotated: AnnotatedDocument): MatchableDocument => ({
  doc_id: annotated.document.doc_id,
  text: annotated.text.text_clean,
  sentences: matchableSentences(tokensBySentence(measureInput(annotated)))
})

/** Stage 5a from a measure view: the document without its tokens, sentences and entities. */
export const measureView = (view: MeasureView, measures: CompiledMeasureCodebooks): ProcessedDocument =>
  fromView(view, measureMatchable(matchableOf(view), measures, view.counts))

export interface DocumentCache {
  /** The annotations: the rows of the per-document tables. */
  readonly annotations: DiskCache<AnnotatedDocument>
  /** Their measure views, under the same keys, without their term lists; written last, so that a view says its entry is whole. */
  readonly views: DiskCache<StoredView>
  /**
   * The views' term lists, most of a view's bytes, apart: a run whose measures hold a document's term
   * totals already (term-store.ts) reads its view without them.
   */
  readonly termLists: DiskCache<CodebookFreeCounts["terms"]>
  /** A document's framing counts and naming counts, each under the document's key and its codebook's. */
  readonly codebookCounts: DiskCache<FrameCounts | ReadonlyArray<NamingCount>>
  /** Documents' own bootstrap intervals, by what they were bootstrapped from (reusedFrameIntervals). */
  readonly frameIntervals: DiskCache<KeptFrameIntervals>
  /** annotationInputsKey of the codebooks in use. */
  readonly inputsKey: string
  /** codeFingerprint of the pipeline's code and output-shaping libraries. */
  readonly codeKey: string
}

/** A document cache in `dir`. */
export const openDocumentCache = (dir: string, keys: Pick<DocumentCache, "inputsKey" | "codeKey">): DocumentCache => ({
  annotations: openDiskCache<AnnotatedDocument>(join(dir, "annotations")),
  views: openDiskCache<StoredView>(join(dir, "views")),
  termLists: openDiskCache<CodebookFreeCounts["terms"]>(join(dir, "term-lists")),
  codebookCounts: openDiskCache(join(dir, "codebook-counts")),
  frameIntervals: openDiskCache<KeptFrameIntervals>(join(dir, "frame-intervals")),
  inputsKey: keys.inputsKey,
  codeKey: keys.codeKey
})

// A compiled codebook's key, worked out once per run (it is compiled once).
const compiledKeys = new WeakMap<object, string>()
const compiledKey = (compiled: object): string => {
  const known = compiledKeys.get(compiled)
  if (known !== undefined) return known
  const key = cacheKey(compiled)
  compiledKeys.set(compiled, key)
  return key
}

/**
 * The document's measures from its measure view: its framing and its naming counts each taken from
 * the cache when that codebook is unchanged (so editing frames.yaml matches no naming variant again),
 * and put there when not.
 */
const cachedMeasures = (
  key: string,
  view: MeasureView,
  annotated: AnnotatedDocument | undefined,
  codebooks: CompiledMeasureCodebooks,
  cache: DocumentCache
): DocumentMeasures => {
  let matchable: MatchableDocument | undefined
  const document = () => (matchable ??= annotated === undefined ? matchableOf(view) : matchableOfAnnotated(annotated))
  const kept = <A extends FrameCounts | ReadonlyArray<NamingCount>>(part: string, compiled: object, count: () => A): A => {
    const partKey = cacheKey(key, part, compiledKey(compiled))
    const found = cache.codebookCounts.get(partKey) as A | undefined
    if (found !== undefined) return found
    const counted = count()
    cache.codebookCounts.put(partKey, counted)
    return counted
  }
  const frames = kept("frames", codebooks.frames, () => countFrames(document(), codebooks.frames, view.counts, {}, cache.frameIntervals))
  const naming = kept("naming", codebooks.naming, () => countNaming(document().sentences, codebooks.naming.concepts))
  return assembleMeasures(view.counts, frames, naming)
}

/** A document known by the SHA-256 of its raw bytes alone: enough to find it in the cache. */
export interface KnownDocument {
  readonly source: SourceRow
  readonly sha256: string
  /** Its term counts are not wanted: the measures hold them already. */
  readonly termsCounted?: boolean
}

/** What a document worker is sent: the document's text, or only what finds it in the cache. */
export type DocumentRequest = RawDocument | KnownDocument

/** A worker's answer; null: a document sent without its text is not in the cache whole. */
export type DocumentReply = ProcessedDocument | null

export const hasText = (doc: DocumentRequest): doc is RawDocument => "raw" in doc

/**
 * The document from the cache, as processCached gives it, without its raw text; undefined if its entry
 * is not there whole (the text must then be read and processed).
 */
export const fromCache = (
  doc: KnownDocument,
  context: DocumentContext,
  cache: DocumentCache,
  leftOut: ReadonlySet<LeftOutPart> = new Set()
): ProcessedDocument | undefined => cachedEntry(documentCacheKey(doc, cache.inputsKey, cache.codeKey), context, cache, leftOut)

/** The parts whose rows a measure view does not hold: only the (much larger) annotation has them. */
export const ANNOTATION_ONLY: ReadonlyArray<RowsPart> = ["sentences", "tokens", "entities"]

/** fromCache, given the document's cache key. */
const cachedEntry = (key: string, context: DocumentContext, cache: DocumentCache, leftOut: ReadonlySet<LeftOutPart>): ProcessedDocument | undefined => {
  const stored = cache.views.get(key)
  const terms = stored === undefined || leftOut.has("terms") ? [] : cache.termLists.get(key)
  if (stored === undefined || terms === undefined) return undefined
  const view: MeasureView = { ...stored, counts: { ...stored.counts, terms } }
  const rowsWanted = ANNOTATION_ONLY.some((part) => !leftOut.has(part))
  const annotated = rowsWanted ? cache.annotations.get(key) : undefined
  if (rowsWanted && annotated === undefined) return undefined
  const measures = cachedMeasures(key, view, annotated, context.measures, cache)
  return leaveOut(annotated === undefined ? fromView(view, measures) : withMeasures({ ...annotated, sizes: view.sizes }, measures), leftOut)
}

/**
 * processDocument with `leftOut` left out, its annotation (and codebook-free counts) taken from the
 * cache when there, and put there when not. A run that needs no rows reads only the measure view.
 */
export const processCached = (
  doc: RawDocument,
  context: DocumentContext,
  cache: DocumentCache | undefined,
  leftOut: ReadonlySet<LeftOutPart> = new Set()
): ProcessedDocument => {
  if (cache === undefined) return leaveOut(processDocument(doc, context), leftOut)
  const key = documentCacheKey(doc, cache.inputsKey, cache.codeKey)
  const cached = cachedEntry(key, context, cache, leftOut)
  if (cached !== undefined) return cached
  const annotated = annotateDocument(doc, context)
  const view = measureViewOf(annotated)
  const { terms, ...counts } = view.counts
  cache.annotations.put(key, annotated)
  cache.termLists.put(key, terms)
  cache.views.put(key, { ...view, counts } satisfies StoredView)
  const measures = cachedMeasures(key, view, annotated, context.measures, cache)
  return leaveOut(withMeasures({ ...annotated, sizes: view.sizes }, measures), leftOut)
}
