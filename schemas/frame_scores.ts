import { Column, defineTable } from "./table.ts"

/** Defaults of the bootstrap behind ci_low / ci_high; the values used are recorded in the manifest. */
export const BOOTSTRAP_RESAMPLES = 1000
export const BOOTSTRAP_SEED = 20250101

export const frameLevels = ["camp", "country", "document", "outlet"] as const

export const frameScores = defineTable({
  name: "frame_scores",
  title: "Frame scores",
  description:
    "How strongly each document and each group uses each frame of the framing lexicon: hits per 1,000 tokens and share of sentences with a hit, with a 95% bootstrap confidence interval for per_1k. Every (unit, frame) pair has a row, zero hits included. Tokens exclude punctuation. Figures are rounded to 6 significant digits.",
  rowPer: "(level, unit, frame)",
  stage: "measure",
  fields: {
    level: Column.literal(frameLevels, "The unit of analysis: document, outlet, country or camp."),
    unit: Column.id("The unit: a doc_id, an outlet_id, an ISO 3166-1 alpha-2 country code or a camp."),
    frame_id: Column.id("Frame identifier (frame_lexicon.frame_id)."),
    n_docs: Column.integer("Documents in the unit (1 at the document level).", { unit: "documents", minimum: 1 }),
    n_sentences: Column.integer("Sentences in the unit (headings included).", { unit: "sentences", minimum: 0 }),
    hits: Column.integer("Matches of the frame's terms in the unit (rows of frame_hits).", { unit: "hits", minimum: 0 }),
    hit_sentences: Column.integer("Sentences with at least one hit of the frame.", { unit: "sentences", minimum: 0 }),
    tokens: Column.integer("Non-punctuation tokens in the unit.", { unit: "tokens", minimum: 0 }),
    per_1k: Column.nullable(Column.number("Hits per 1,000 tokens of the unit, pooled over its documents; empty when the unit has no tokens.", {
      unit: "hits per 1,000 tokens",
      formula: "hits / tokens * 1000",
      minimum: 0
    })),
    sentence_share: Column.nullable(Column.number("Share of the unit's sentences with at least one hit; empty when it has no sentences.", {
      unit: "proportion",
      formula: "hit_sentences / n_sentences",
      minimum: 0,
      maximum: 1
    })),
    ci_low: Column.nullable(Column.number("Lower bound of the 95% bootstrap confidence interval of per_1k.", {
      unit: "hits per 1,000 tokens",
      formula: `2.5th percentile (linear interpolation between order statistics) of per_1k over the bootstrap resamples: each resample draws the unit's documents with replacement, then each drawn document's sentences with replacement (a document alone: its sentences only), and pools hits / tokens * 1000; resamples without tokens are skipped. Seeded PRNG (xoroshiro128+), seed derived from the run's seed, the level and the unit; defaults ${BOOTSTRAP_RESAMPLES} resamples, seed ${BOOTSTRAP_SEED} (see manifest).`,
      minimum: 0
    })),
    ci_high: Column.nullable(Column.number("Upper bound of the 95% bootstrap confidence interval of per_1k.", {
      unit: "hits per 1,000 tokens",
      formula: "97.5th percentile of per_1k over the bootstrap resamples (see ci_low)",
      minimum: 0
    }))
  },
  primaryKey: ["level", "unit", "frame_id"],
  orderedBy: ["level", "unit", "frame_id"],
  units: ["level", "unit"]
})
