// Framing: lexicon hits per sentence, the frame_lexicon table, and frame scores per document and
// per group with bootstrap confidence intervals.
import { frameHits } from "../../schemas/frame_hits.ts"
import { frameLexicon } from "../../schemas/frame_lexicon.ts"
import type { frameScores } from "../../schemas/frame_scores.ts"
import type { FrameCodebook } from "../../schemas/inputs/frames.ts"
import { compareRows, type Row } from "../../schemas/table.ts"
import { type BootstrapDocument, type BootstrapOptions, bootstrapIntervals, unitSeed } from "./bootstrap.ts"
import type { CompiledFrame } from "./codebooks.ts"
import type { SentenceTokens } from "./document.ts"
import type { GroupMember } from "./groups.ts"
import { findMatches } from "./match.ts"
import { roundPublished } from "./stats.ts"
import type { DocumentMeasures, SentenceFrameHits } from "./types.ts"

type FrameHitRow = Row<typeof frameHits>
type FrameScoreRow = Row<typeof frameScores>

export const frameLexiconRows = (codebook: FrameCodebook): Array<Row<typeof frameLexicon>> =>
  codebook.frames
    .flatMap((frame) => {
      const common = {
        frame_id: frame.id,
        label: frame.label.trim(),
        definition: frame.definition.trim(),
        sources: frame.sources.map((source) => source.trim()).join(" | "),
        exclusions: frame.exclusions.length === 0 ? null : frame.exclusions.join(" | "),
        lexicon_version: codebook.version
      }
      const term = (match: "lemma" | "phrase") => (text: string) => ({ ...common, term: text, match, shared: frame.shared.includes(text) })
      return [...frame.lemmas.map(term("lemma")), ...frame.phrases.map(term("phrase"))]
    })
    .sort(compareRows(frameLexicon))

/** This document's frame hits, as frame_hits rows and as per-sentence counts. */
export const measureFrames = (
  docId: string,
  text: string,
  sentences: ReadonlyArray<SentenceTokens>,
  frames: ReadonlyArray<CompiledFrame>
): { frame_hits: Array<FrameHitRow>; sentence_frame_hits: Array<SentenceFrameHits> } => {
  const rows: Array<FrameHitRow> = []
  const perSentence: Array<SentenceFrameHits> = []
  const ordered = [...frames].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const matchKind = new Map(frames.map((frame) => [frame.id, new Map(frame.terms.map((t) => [t.term, t.match]))]))
  sentences.forEach(({ sentence, tokens }, position) => {
    for (const frame of ordered) {
      const matches = findMatches(tokens, frame.patterns)
      if (matches.length === 0) continue
      perSentence.push({ sentence: position, frame_id: frame.id, hits: matches.length })
      for (const match of matches) {
        const start = tokens[match.first]!.start
        const end = tokens[match.last]!.end
        rows.push({
          doc_id: docId,
          sentence_id: sentence.sentence_id,
          frame_id: frame.id,
          term: match.label,
          match: matchKind.get(frame.id)?.get(match.label) ?? "lemma",
          start,
          end,
          surface: text.slice(start, end)
        })
      }
    }
  })
  return { frame_hits: rows.sort(compareRows(frameHits)), sentence_frame_hits: perSentence }
}

/** A document's per-sentence counts laid out for the bootstrap (frame numbers index `frameIds`). */
export const bootstrapDocument = (measures: DocumentMeasures, frameIds: ReadonlyArray<string>): BootstrapDocument => {
  const frameIndex = new Map(frameIds.map((id, i) => [id, i]))
  const known = measures.sentence_frame_hits
    .filter((entry) => frameIndex.has(entry.frame_id))
    .sort((a, b) => a.sentence - b.sentence)
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

/** frame_scores rows of one unit, one per frame (frameIds sorted). */
export const frameScoreRows = (
  unit: GroupMember,
  frameIds: ReadonlyArray<string>,
  layout: (measures: DocumentMeasures) => BootstrapDocument,
  options: BootstrapOptions
): Array<FrameScoreRow> => {
  const tokens = sum(unit.documents.map((d) => d.tokens))
  const nSentences = sum(unit.documents.map((d) => d.sentence_tokens.length))
  const intervals = bootstrapIntervals(unit.documents.map(layout), frameIds.length, {
    ...options,
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
