// `npm run eval -- --gold DIR`: scores the pipeline against an external gold standard and prints
// one table section per scoring module.
import { writeFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { runCli } from "./cli.ts"
import type { CompiledGazetteer } from "./entities.ts"
import { entityScoreRows, loadBundledGazetteer, scoreEntityArticles } from "./eval/entities.ts"
import { type GoldArticle, loadGold, scoreSentences } from "./eval/sentences.ts"
import { measureQuality } from "./eval/quality.ts"
import { analyse } from "./nlp.ts"
import { segment } from "./segment.ts"

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const defaultGoldDir = resolve(projectRoot, "../shared/eval/gum-news")

interface Section {
  readonly title: string
  readonly rows: ReadonlyArray<readonly [label: string, value: string]>
}

const fraction = (value: number): string => value.toFixed(4)

const sentenceSection = (gold: ReadonlyArray<GoldArticle>): Section => {
  const score = scoreSentences(gold, (text) => segment(text, analyse(text)).sentences)
  return {
    title: "Sentence boundaries (trimmed sentence ends, micro-averaged over articles)",
    rows: [
      ["precision", fraction(score.precision)],
      ["recall", fraction(score.recall)],
      ["F1", fraction(score.f1)],
      ["gold boundaries", String(score.goldCount)],
      ["predicted boundaries", String(score.predictedCount)],
      ["matched", String(score.matchedCount)]
    ]
  }
}

const entitySection = (gold: ReadonlyArray<GoldArticle>, gazetteer: CompiledGazetteer): Section => ({
  title: "Entity mentions (span overlap with gold mentions; all methods, bundled gazetteer)",
  rows: entityScoreRows(scoreEntityArticles(gold, gazetteer))
})

const renderSection = ({ title, rows }: Section): string => {
  const labelWidth = Math.max(...rows.map(([label]) => label.length))
  const valueWidth = Math.max(...rows.map(([, value]) => value.length))
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}`)].join("\n")
}

const evaluate = (goldDir: string, record: Option.Option<string>) =>
  Effect.gen(function*() {
    if (Option.isSome(record)) {
      const quality = yield* measureQuality(goldDir)
      writeFileSync(record.value, `${JSON.stringify(quality, null, 2)}\n`)
      yield* Console.error(`recorded in ${record.value}`)
    }
    const gold = yield* loadGold(goldDir)
    const gazetteer = yield* loadBundledGazetteer
    yield* Console.log(`Gold standard: ${goldDir} (${gold.length} articles)`)
    for (const section of [sentenceSection(gold), entitySection(gold, gazetteer)]) {
      yield* Console.log(`\n${renderSection(section)}`)
    }
  })

const command = Command.make(
  "eval",
  {
    gold: Flag.String("gold").pipe(
      Flag.withDescription("Folder holding gold.jsonl and the article texts it names"),
      Flag.withDefault(defaultGoldDir)
    ),
    record: Flag.String("record").pipe(
      Flag.withDescription("Also write the headline figures as JSON to this file (pipeline/eval/quality.json is shown in every dataset's codebook)"),
      Flag.optional
    )
  },
  ({ gold, record }) => evaluate(resolve(gold), record)
).pipe(Command.withDescription("Score sentence segmentation and entity mentions against a gold standard (default: ../shared/eval/gum-news)."))

runCli(command)
