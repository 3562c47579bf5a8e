// The measured quality of this pipeline version on an external gold standard: recorded by
// `npm run eval -- --record`, shown in every dataset's codebook, and re-measured by a test so the
// recorded figures can never go stale.
import { readFileSync } from "node:fs"
import { basename, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Schema } from "effect"
import { sha256 } from "../ingest.ts"
import { analyse } from "../nlp.ts"
import { segment } from "../segment.ts"
import { loadBundledGazetteer, scoreEntityArticles } from "./entities.ts"
import { loadGold, scoreSentences } from "./sentences.ts"

export const recordedQualityPath = fileURLToPath(new URL("./quality.json", import.meta.url))
export const recordCommand = "npm run eval -- --record pipeline/eval/quality.json"

const Ratio = Schema.Number
export const Quality = Schema.Struct({
  gold: Schema.Struct({ name: Schema.String, articles: Schema.Int, sha256: Schema.String }),
  sentences: Schema.Struct({ precision: Ratio, recall: Ratio, f1: Ratio, gold: Schema.Int, predicted: Schema.Int, matched: Schema.Int }),
  entities: Schema.Struct({ recall: Ratio, precision: Ratio, goldNamed: Schema.Int, matched: Schema.Int, predicted: Schema.Int }),
  command: Schema.String
})
export type Quality = typeof Quality.Type

const round = (value: number): number => Math.round(value * 10_000) / 10_000

export const measureQuality = (goldDir: string) =>
  Effect.gen(function* () {
    const gold = yield* loadGold(goldDir)
    const gazetteer = yield* loadBundledGazetteer
    const sentences = scoreSentences(gold, (text) => segment(text, analyse(text)).sentences)
    const entities = scoreEntityArticles(gold, gazetteer)
    return {
      gold: { name: basename(goldDir), articles: gold.length, sha256: sha256(readFileSync(join(goldDir, "gold.jsonl"))) },
      sentences: {
        precision: round(sentences.precision),
        recall: round(sentences.recall),
        f1: round(sentences.f1),
        gold: sentences.goldCount,
        predicted: sentences.predictedCount,
        matched: sentences.matchedCount
      },
      entities: {
        recall: round(entities.recall),
        precision: round(entities.precision),
        goldNamed: entities.goldNamed,
        matched: entities.matched,
        predicted: entities.predicted
      },
      command: recordCommand
    } satisfies Quality
  })

export const readRecordedQuality = (): Quality =>
  Schema.decodeUnknownSync(Quality)(JSON.parse(readFileSync(recordedQualityPath, "utf8")))

/** The codebook section: what was measured, on what, and how to measure it again. */
export const qualitySection = (quality: Quality): string => [
  `Measured on ${quality.gold.articles} English Wikinews articles with gold sentences and entity mentions`,
  `(\`${quality.gold.name}\`, from the GUM corpus; gold.jsonl SHA-256 \`${quality.gold.sha256.slice(0, 16)}…\`), by \`${quality.command}\`.`,
  "",
  "| stage | measure | value |",
  "|---|---|---|",
  `| segment | sentence boundary precision | ${quality.sentences.precision.toFixed(4)} |`,
  `| segment | sentence boundary recall | ${quality.sentences.recall.toFixed(4)} |`,
  `| segment | sentence boundary F1 (${quality.sentences.matched} of ${quality.sentences.gold} gold boundaries found, ${quality.sentences.predicted} predicted) | ${quality.sentences.f1.toFixed(4)} |`,
  `| annotate | recall of named gold entity mentions (span overlap, any method; ${quality.entities.matched} of ${quality.entities.goldNamed}) | ${quality.entities.recall.toFixed(4)} |`,
  `| annotate | precision of name mentions (share of ${quality.entities.predicted} predicted PERSON/ORG/GPE/MEDIA/EVENT/UNKNOWN mentions overlapping a gold mention; a lower bound, as GUM marks only entities with a Wikipedia page) | ${quality.entities.precision.toFixed(4)} |`,
  "",
  "These figures describe the pipeline on news text like the gold standard's, not this corpus; the gazetteer was written for this corpus's domain, so entity recall here is likely higher."
].join("\n")
