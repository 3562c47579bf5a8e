// The whole pipeline, top to bottom: a document goes from raw/ through ingest, clean, segment, annotate
// and its own counts one at a time; only the counts are aggregated into the measures; then every table
// is published as one versioned dataset.
import { Console, Effect, Stream } from "effect"
import type { Row, Table } from "../schemas/table.ts"
import { documents } from "../schemas/documents.ts"
import { texts } from "../schemas/texts.ts"
import { cleaningLog } from "../schemas/cleaning_log.ts"
import { sentences } from "../schemas/sentences.ts"
import { tokens } from "../schemas/tokens.ts"
import { entities } from "../schemas/entities.ts"
import type { OutletRow } from "../schemas/inputs/outlets.ts"
import type { BoilerplateCodebook } from "../schemas/inputs/boilerplate.ts"
import { readDocument, readManifest, type RawDocument } from "./ingest.ts"
import { loadCodebooks } from "./codebooks.ts"
import { assignOutlet } from "./outlets.ts"
import { clean } from "./clean.ts"
import { analyse } from "./nlp.ts"
import { segment, type Segmentation } from "./segment.ts"
import { annotate } from "./annotate.ts"
import { compileGazetteer, type CompiledGazetteer } from "./entities.ts"
import {
  aggregateMeasures,
  compileMeasureCodebooks,
  frameHitRows,
  frameLexiconRows,
  measureDocument,
  measureParameters,
  type CompiledMeasureCodebooks,
  type DocumentMeasures
} from "./measure/index.ts"
import { termFrequencies } from "../schemas/term_frequencies.ts"
import { keyness } from "../schemas/keyness.ts"
import { entitySalience } from "../schemas/entity_salience.ts"
import { frameLexicon } from "../schemas/frame_lexicon.ts"
import { frameHits } from "../schemas/frame_hits.ts"
import { frameScores } from "../schemas/frame_scores.ts"
import { namingVariants } from "../schemas/naming_variants.ts"
import { publish, type TableData } from "./publish.ts"
import { renderFigures } from "./figures.ts"
import { softwareVersions } from "./software.ts"
import type { ProgressReporter } from "./progress.ts"
import { qualitySection, readRecordedQuality } from "./eval/quality.ts"

export interface PipelineOptions {
  readonly rawDir: string
  readonly outDir: string
  /** Overrides dataset.yaml's version. */
  readonly version?: string
  /** Told after each document. */
  readonly progress?: ProgressReporter
}

interface DocumentContext {
  readonly outlets: ReadonlyMap<string, OutletRow>
  readonly boilerplate: BoilerplateCodebook
  readonly gazetteer: CompiledGazetteer
  readonly measures: CompiledMeasureCodebooks
}

export interface ProcessedDocument {
  readonly document: Row<typeof documents>
  readonly text: Row<typeof texts>
  readonly cleaningLog: ReadonlyArray<Row<typeof cleaningLog>>
  readonly sentences: ReadonlyArray<Row<typeof sentences>>
  readonly tokens: ReadonlyArray<Row<typeof tokens>>
  readonly entities: ReadonlyArray<Row<typeof entities>>
  /** This document's counts for the measure stage (and its frame_hits rows). */
  readonly measures: DocumentMeasures
  readonly warnings: ReadonlyArray<string>
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

/** Stages 2–5a for one document: pure, so it can run in a worker or come from a cache. */
export const processDocument = (doc: RawDocument, context: DocumentContext): ProcessedDocument => {
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
  const measures = measureDocument(
    { document, text: cleaned.text, sentences: sentenceTable, tokens: annotation.tokens, entities: annotation.entities },
    context.measures
  )
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
    measures,
    warnings: outlet.warning === null ? [] : [outlet.warning]
  }
}

/** Every record crossing a stage boundary is checked against its table's schema. */
const checkRows = <T extends Table<any>>(table: T, rows: ReadonlyArray<Row<T>>, docId: string) => {
  for (const row of rows) {
    const result = table.decodeRow(row)
    if (result._tag === "Failure") {
      return Effect.die(new Error(`${docId}: a ${table.name} row failed its schema (${result.failure.message}); this is a pipeline bug`))
    }
  }
  return Effect.void
}

const checkDocument = (processed: ProcessedDocument) =>
  Effect.gen(function* () {
    const docId = processed.document.doc_id
    yield* checkRows(documents, [processed.document], docId)
    yield* checkRows(texts, [processed.text], docId)
    yield* checkRows(cleaningLog, processed.cleaningLog, docId)
    yield* checkRows(sentences, processed.sentences, docId)
    yield* checkRows(tokens, processed.tokens, docId)
    yield* checkRows(entities, processed.entities, docId)
    yield* checkRows(frameHits, processed.measures.frame_hits, docId)
    return processed
  })

const byDocId = (a: ProcessedDocument, b: ProcessedDocument) =>
  a.document.doc_id < b.document.doc_id ? -1 : a.document.doc_id > b.document.doc_id ? 1 : 0

const assembleTables = (
  processed: ReadonlyArray<ProcessedDocument>,
  codebooks: { readonly frames: Parameters<typeof frameLexiconRows>[0]; readonly measures: CompiledMeasureCodebooks }
): ReadonlyArray<TableData> => {
  const ordered = [...processed].sort(byDocId)
  // 5b. measure: only the per-document counts are aggregated, never the texts
  const measures = aggregateMeasures(
    ordered.map((doc) => ({
      groups: { doc_id: doc.document.doc_id, outlet: doc.document.outlet_id, country: doc.document.country, camp: doc.document.camp },
      measures: doc.measures
    })),
    { codebooks: codebooks.measures }
  )
  return [
    { table: documents, rows: ordered.map((doc) => doc.document) },
    { table: texts, rows: ordered.map((doc) => doc.text) },
    { table: cleaningLog, rows: ordered.flatMap((doc) => doc.cleaningLog) },
    { table: sentences, rows: ordered.flatMap((doc) => doc.sentences) },
    { table: tokens, rows: ordered.flatMap((doc) => doc.tokens) },
    { table: entities, rows: ordered.flatMap((doc) => doc.entities) },
    { table: termFrequencies, rows: measures.term_frequencies },
    { table: keyness, rows: measures.keyness },
    { table: entitySalience, rows: measures.entity_salience },
    { table: frameLexicon, rows: frameLexiconRows(codebooks.frames) },
    { table: frameHits, rows: frameHitRows(ordered.map((doc) => doc.measures)) },
    { table: frameScores, rows: measures.frame_scores },
    { table: namingVariants, rows: measures.naming_variants }
  ]
}

const rowsOf = <T extends Table<any>>(tables: ReadonlyArray<TableData>, table: T): ReadonlyArray<Row<T>> =>
  (tables.find((entry) => entry.table === table)?.rows ?? []) as ReadonlyArray<Row<T>>

const figureInput = (tables: ReadonlyArray<TableData>) => ({
  documents: rowsOf(tables, documents),
  frameScores: rowsOf(tables, frameScores),
  frameLexicon: rowsOf(tables, frameLexicon),
  keyness: rowsOf(tables, keyness),
  namingVariants: rowsOf(tables, namingVariants),
  entitySalience: rowsOf(tables, entitySalience)
})

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

export const runPipeline = (options: PipelineOptions) =>
  Effect.gen(function* () {
    const progress = options.progress ?? (() => {})
    // 1. ingest: the manifest, the outlet registry, the dataset card, the codebooks
    const manifest = yield* readManifest(options.rawDir)
    const dataset = options.version === undefined ? manifest.dataset : { ...manifest.dataset, version: options.version }
    const codebooks = yield* loadCodebooks(options.rawDir)
    const context: DocumentContext = {
      outlets: manifest.outlets,
      boilerplate: codebooks.boilerplate,
      gazetteer: compileGazetteer(codebooks.gazetteer),
      measures: compileMeasureCodebooks(codebooks.frames, codebooks.naming)
    }
    const total = manifest.sources.length

    // 1–5a, a document at a time: read, clean, segment, annotate, count
    const processed = yield* Stream.fromIterable(manifest.sources).pipe(
      Stream.mapEffect(({ line, row }) => readDocument(options.rawDir, row, line)),
      Stream.map((doc) => processDocument(doc, context)),
      Stream.mapEffect(checkDocument),
      Stream.zipWithIndex,
      Stream.tap(([doc, index]) => Effect.sync(() => progress({ done: index + 1, total, label: doc.document.doc_id }))),
      Stream.map(([doc]) => doc),
      Stream.runCollect
    )

    // 5b–6. aggregate the measures, publish
    const tables = assembleTables(processed, { frames: codebooks.frames, measures: context.measures })
    const figures = yield* Effect.promise(() => renderFigures(figureInput(tables)))
    const result = yield* publish({
      outDir: options.outDir,
      dataset,
      tables,
      provenance: {
        inputs: [
          ...manifest.inputs,
          ...[...processed].sort(byDocId).map((doc) => ({ path: `texts/${doc.document.file}`, sha256: doc.document.sha256_raw }))
        ],
        codebooks: codebooks.provenance,
        parameters: measureParameters({ codebooks: context.measures }),
        software: softwareVersions()
      },
      figures,
      sections: [{ title: "Measured quality of the pipeline", body: qualitySection(readRecordedQuality()) }]
    })
    return {
      documents: processed.length,
      paragraphs: processed.reduce((sum, doc) => sum + doc.document.n_paragraphs, 0),
      sentences: rowsOf(tables, sentences).length,
      tokens: rowsOf(tables, tokens).length,
      entities: rowsOf(tables, entities).length,
      removedSpans: rowsOf(tables, cleaningLog).length,
      output: result.path,
      status: result.status,
      warnings: processed.flatMap((doc) => doc.warnings)
    } satisfies PipelineSummary
  })

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
