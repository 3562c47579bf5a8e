// Framing: lexicon hits per sentence, the frame_lexicon table, and frame scores per document and
// per group with bootstrap confidence intervals.
import { frameHits } from "../../schemas/frame_hits.ts"
import { frameLexicon } from "../../schemas/frame_lexicon.ts"
import type { frameScores } from "../../schemas/frame_scores.ts"
import type { FrameCodebook } from "../../schemas/inputs/frames.ts"
import { compareRows, type Row } from "../../schemas/table.ts"
import { type BootstrapDocument, type BootstrapOptions, bootstrapIntervals, type Interval, unitSeed } from "./bootstrap.ts"
import type { CompiledFrame } from "./codebooks.ts"
import type { MatchableSentence } from "./document.ts"
import type { GroupMember } from "./groups.ts"
import { CandidateSets, findMatches } from "./match.ts"
import { roundPublished } from "./stats.ts"
import type { DocumentRecord } from "./record.ts"
import type { SentenceFrameHits } from "./types.ts"

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

interface CompiledLexicon {
  /** The frames sorted by id. */
  readonly ordered: ReadonlyArray<CompiledFrame>
  /** frame id → term → how it is matched */
  readonly matchKind: ReadonlyMap<string, ReadonlyMap<string, "lemma" | "phrase">>
  /** Over `ordered`. */
  readonly candidates: CandidateSets
}

// Made once per list of frames (a run's codebook), not once per document.
const lexicons = new WeakMap<ReadonlyArray<CompiledFrame>, CompiledLexicon>()

const compiledLexicon = (frames: ReadonlyArray<CompiledFrame>): CompiledLexicon => {
  const cached = lexicons.get(frames)
  if (cached !== undefined) return cached
  const ordered = [...frames].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const lexicon = {
    ordered,
    matchKind: new Map(frames.map((frame) => [frame.id, new Map(frame.terms.map((t) => [t.term, t.match]))])),
    candidates: new CandidateSets(ordered.map((frame) => frame.patterns))
  }
  lexicons.set(frames, lexicon)
  return lexicon
}

/** This document's frame hits, as frame_hits rows and as per-sentence counts. */
export const measureFrames = (
  docId: string,
  text: string,
  sentences: ReadonlyArray<MatchableSentence>,
  frames: ReadonlyArray<CompiledFrame>
): { frame_hits: Array<FrameHitRow>; sentence_frame_hits: Array<SentenceFrameHits> } => {
  const rows: Array<FrameHitRow> = []
  const perSentence: Array<SentenceFrameHits> = []
  const { ordered, matchKind, candidates } = compiledLexicon(frames)
  sentences.forEach(({ sentence_id, tokens }, position) => {
    const worthMatching = candidates.worthMatching(tokens)
    ordered.forEach((frame, f) => {
      if (worthMatching[f] === 0) return
      const matches = findMatches(tokens, frame.patterns)
      if (matches.length === 0) return
      perSentence.push({ sentence: position, frame_id: frame.id, hits: matches.length })
      for (const match of matches) {
        const start = tokens[match.first]!.start
        const end = tokens[match.last]!.end
        rows.push({
          doc_id: docId,
          sentence_id,
          frame_id: frame.id,
          term: match.label,
          match: matchKind.get(frame.id)?.get(match.label) ?? "lemma",
          start,
          end,
          surface: text.slice(start, end)
        })
      }
    })
  })
  return { frame_hits: rows.sort(compareRows(frameHits)), sentence_frame_hits: perSentence }
}

/** The bootstrap intervals of one unit, from its own stream. */
export const unitIntervals = (
  unit: GroupMember<BootstrapDocument>,
  frameCount: number,
  options: BootstrapOptions
): Array<Interval | null> => bootstrapIntervals(unit.documents, frameCount, { ...options, unitSeed: unitSeed(options.seed, unit.groupBy, unit.group) })

/**
 * frame_scores rows of one unit, one per frame (frameIds sorted; records number frames by it).
 * `computed` gives the unit's intervals if they are already known (a document's, from when it was
 * added), else they are bootstrapped here.
 */
export const frameScoreRows = (
  unit: GroupMember<DocumentRecord>,
  frameIds: ReadonlyArray<string>,
  options: BootstrapOptions,
  computed: ReadonlyArray<Interval | null> | null = null
): Array<FrameScoreRow> => {
  let tokens = 0
  let nSentences = 0
  const hits = new Float64Array(frameIds.length)
  const hitSentences = new Float64Array(frameIds.length)
  for (const document of unit.documents) {
    tokens += document.tokens
    nSentences += document.sentenceTokens.length
    const { frames: framesHit, hits: documentHits } = document
    for (let k = 0; k < framesHit.length; k++) {
      hits[framesHit[k]!]! += documentHits[k]!
      hitSentences[framesHit[k]!]!++
    }
  }
  const intervals = computed ?? unitIntervals(unit, frameIds.length, options)
  return frameIds.map((frameId, f) => {
    const interval = intervals[f] ?? null
    return {
      level: unit.groupBy,
      unit: unit.group,
      frame_id: frameId,
      n_docs: unit.documents.length,
      n_sentences: nSentences,
      hits: hits[f]!,
      hit_sentences: hitSentences[f]!,
      tokens,
      per_1k: tokens === 0 ? null : roundPublished((hits[f]! / tokens) * 1000),
      sentence_share: nSentences === 0 ? null : roundPublished(hitSentences[f]! / nSentences),
      ci_low: interval === null ? null : roundPublished(interval.low),
      ci_high: interval === null ? null : roundPublished(interval.high)
    }
  })
}
