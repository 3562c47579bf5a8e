// `npm run eval -- --gold DIR`: scores the pipeline against an external gold standard and prints
// one table section per scoring module. To add one (entities), append a Section to `sections`.
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { renderError } from "./errors.ts"
import { type GoldArticle, loadGold, scoreSentences } from "./eval/sentences.ts"
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

const sections: ReadonlyArray<(gold: ReadonlyArray<GoldArticle>) => Section> = [sentenceSection]

const renderSection = ({ title, rows }: Section): string => {
  const labelWidth = Math.max(...rows.map(([label]) => label.length))
  const valueWidth = Math.max(...rows.map(([, value]) => value.length))
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}`)].join("\n")
}

const evaluate = (goldDir: string) =>
  Effect.gen(function*() {
    const gold = yield* loadGold(goldDir)
    yield* Console.log(`Gold standard: ${goldDir} (${gold.length} articles)`)
    for (const section of sections) yield* Console.log(`\n${renderSection(section(gold))}`)
  })

const command = Command.make(
  "eval",
  {
    gold: Flag.String("gold").pipe(
      Flag.withDescription("Folder holding gold.jsonl and the article texts it names"),
      Flag.withDefault(defaultGoldDir)
    )
  },
  ({ gold }) => evaluate(resolve(gold)).pipe(Effect.tapError((error) => Console.error(renderError(error))))
).pipe(Command.withDescription("Score sentence segmentation against a gold standard (default: ../shared/eval/gum-news)."))

command.pipe(
  Command.run({ version: "0.1.0" }),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
