// The whole pipeline, top to bottom: documents stream one at a time, in doc_id order, from raw/ through
// ingest, clean, segment, annotate and their own counts, and their rows straight into the files of the
// version being published; only the counts stay, folded into the measures' running totals. Then the
// measure tables are written, the figures drawn, and the version finished, read back and made visible.
import { Console, Effect } from "effect"
import { compareRows, type Row } from "../schemas/table.ts"
import { publishedTables } from "../schemas/index.ts"
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
  compileMeasureCodebooks,
  createMeasureAccumulator,
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
import { openVersion, type VersionWriter } from "./publish.ts"
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

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The keyness rows the figures draw (outlets' key lemmas). keyness grows with the vocabulary times the
 * groups: it is streamed to its files, and only these rows are kept for the figures.
 */
const drawnKeyness = (row: Row<typeof keyness>): boolean => row.group_by === "outlet" && row.form === "lemma" && row.ngram === 1

/** Rows passed on as they are read, the ones `keep` wants also collected into `kept`. */
function* collecting<R>(rows: Iterable<R>, keep: (row: R) => boolean, kept: Array<R>): Generator<R> {
  for (const row of rows) {
    if (keep(row)) kept.push(row)
    yield row
  }
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

type Sources = Effect.Success<ReturnType<typeof readManifest>>["sources"]

/**
 * Stages 1–5 and the figures, into a version being written: the documents stream through one at a
 * time (their rows appended to the version, their counts folded into the measures' running totals),
 * then the group-level measure tables are appended and the figures drawn from them. What the measures
 * and figures needed is dropped when this returns: the version is finished with the figures and the
 * texts' checksums only.
 */
const writeCorpus = (
  version: VersionWriter,
  sources: Sources,
  context: DocumentContext,
  frames: Parameters<typeof frameLexiconRows>[0],
  rawDir: string,
  progress: ProgressReporter
) =>
  Effect.gen(function* () {
    const measures = createMeasureAccumulator(context.measures)
    const documentRows: Array<Row<typeof documents>> = [] // one small row per document, for the figures
    const textInputs: Array<{ readonly path: string; readonly sha256: string }> = []
    const warnings: Array<string> = []
    const counts = { paragraphs: 0, sentences: 0, tokens: 0, entities: 0, removedSpans: 0 }
    const byFrameHitOrder = compareRows(frameHits)

    // 1–5a, a document at a time: read, clean, segment, annotate, count, write
    yield* Effect.forEach(sources, ({ line, row }, index) =>
      Effect.gen(function* () {
        const doc = processDocument(yield* readDocument(rawDir, row, line), context)
        const { document } = doc
        yield* version.append(documents, [document])
        yield* version.append(texts, [doc.text])
        yield* version.append(cleaningLog, doc.cleaningLog)
        yield* version.append(sentences, doc.sentences)
        yield* version.append(tokens, doc.tokens)
        yield* version.append(entities, doc.entities)
        yield* version.append(frameHits, [...doc.measures.frame_hits].sort(byFrameHitOrder))
        // 5b. measure: only the document's counts are kept, folded into the running totals
        measures.add({ doc_id: document.doc_id, outlet: document.outlet_id, country: document.country, camp: document.camp }, doc.measures)
        documentRows.push(structuredClone(document)) // a copy whose strings no longer hold on to the raw text
        textInputs.push({ path: `texts/${document.file}`, sha256: document.sha256_raw })
        warnings.push(...doc.warnings)
        counts.paragraphs += document.n_paragraphs
        counts.sentences += doc.sentences.length
        counts.tokens += doc.tokens.length
        counts.entities += doc.entities.length
        counts.removedSpans += doc.cleaningLog.length
        progress({ done: index + 1, total: sources.length, label: document.doc_id })
      }), { discard: true })

    // 5b. the group-level measures, written as they are produced
    const measureRows = measures.rows()
    const figureKeyness: Array<Row<typeof keyness>> = []
    const lexicon = frameLexiconRows(frames)
    yield* version.append(termFrequencies, measureRows.term_frequencies)
    yield* version.append(keyness, collecting(measureRows.keyness, drawnKeyness, figureKeyness))
    yield* version.append(entitySalience, measureRows.entity_salience)
    yield* version.append(frameLexicon, lexicon)
    yield* version.append(frameScores, measureRows.frame_scores)
    yield* version.append(namingVariants, measureRows.naming_variants)

    // the figures, drawn from the measures
    const figures = yield* Effect.promise(() => renderFigures({
      documents: documentRows,
      frameScores: measureRows.frame_scores,
      frameLexicon: lexicon,
      keyness: figureKeyness,
      namingVariants: measureRows.naming_variants,
      entitySalience: measureRows.entity_salience
    }))
    return { figures, textInputs, warnings, documents: documentRows.length, counts }
  })

export const runPipeline = (options: PipelineOptions) =>
  Effect.scoped(Effect.gen(function* () {
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
    // Documents go in doc_id order: every per-document table is ordered by doc_id first, so appending
    // each document's rows as it comes writes every table in its documented order.
    const sources = [...manifest.sources].sort((a, b) => compareText(a.row.doc_id, b.row.doc_id))

    // 6. publish, opened first: the version's files are written in a staging folder as the rows come
    // (each row validated there), and the folder removed if anything fails
    const version = yield* openVersion({ outDir: options.outDir, dataset, tables: publishedTables })
    // 1–5, the documents streamed through, the measures and the figures
    const corpus = yield* writeCorpus(version, sources, context, codebooks.frames, options.rawDir, options.progress ?? (() => {}))
    // 6. the version finished, read back and moved into place
    const result = yield* version.finish({
      provenance: {
        inputs: [...manifest.inputs, ...corpus.textInputs],
        codebooks: codebooks.provenance,
        parameters: measureParameters({ codebooks: context.measures }),
        software: softwareVersions()
      },
      figures: corpus.figures,
      sections: [{ title: "Measured quality of the pipeline", body: qualitySection(readRecordedQuality()) }]
    })
    return {
      documents: corpus.documents,
      ...corpus.counts,
      output: result.path,
      status: result.status,
      warnings: corpus.warnings
    } satisfies PipelineSummary
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
