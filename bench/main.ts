// npm run bench -- --docs N [--seed S] [--scenario cold|incremental|all] [--keep DIR] [--json]
// Generates a synthetic corpus of N documents, times bare wink-nlp on one core over its texts, then
// runs the whole pipeline on it as a child process and reports throughput, peak memory and the ratio.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { runCli } from "../pipeline/cli.ts"
import { addDocument, editFramingCodebook, generateCorpus } from "./corpus.ts"
import { publishedCounts, runPipelineChild, timeBareWink, type WinkTiming } from "./measure.ts"

type Scenario = "cold" | "incremental" | "all"

interface BenchOptions {
  readonly docs: number
  readonly seed: number
  readonly scenario: Scenario
  readonly keep: string | undefined
  readonly json: boolean
  /** Passed to the pipeline's --workers; its default when undefined. */
  readonly workers: number | undefined
}

interface ColdFigures {
  readonly documents: number
  readonly tokens: number
  readonly pipeline_seconds: number
  readonly documents_per_second: number
  readonly tokens_per_second: number
  readonly peak_rss_mib: number
}

interface RerunFigures {
  readonly seconds: number
  readonly percent_of_cold: number
}

const log = (message: string) => process.stderr.write(`${message}\n`)
const mib = (bytes: number) => bytes / 1024 / 1024

const workFolder = (keep: string | undefined): string => {
  if (keep === undefined) return mkdtempSync(join(tmpdir(), "dp-bench-"))
  if (existsSync(keep) && readdirSync(keep).length > 0) throw new Error(`--keep ${keep} is not empty; give a new or empty folder`)
  mkdirSync(keep, { recursive: true })
  return keep
}

const readTexts = (corpusDir: string): Array<string> =>
  readdirSync(join(corpusDir, "texts")).sort().map((file) => readFileSync(join(corpusDir, "texts", file), "utf8"))

/** The pipeline's arguments; the cache is the bench's own, so that the first run is cold. */
const pipelineArgs = (workDir: string, version: string, workers: number | undefined) => [
  "--raw", join(workDir, "corpus"),
  "--out", join(workDir, "out"),
  "--cache-dir", join(workDir, "cache"),
  "--version", version,
  "--quiet",
  ...(workers === undefined ? [] : ["--workers", String(workers)])
]

const runCold = async (workDir: string, name: string, version: string, workers: number | undefined): Promise<ColdFigures> => {
  log(`running the pipeline (cold) into ${join(workDir, "out")}`)
  const run = await runPipelineChild(pipelineArgs(workDir, version, workers))
  const counts = publishedCounts(join(workDir, "out", name, version))
  return {
    documents: counts.documents,
    tokens: counts.tokens,
    pipeline_seconds: run.seconds,
    documents_per_second: counts.documents / run.seconds,
    tokens_per_second: counts.tokens / run.seconds,
    peak_rss_mib: mib(run.peakRssBytes)
  }
}

const rerun = async (label: string, args: ReadonlyArray<string>, cold: ColdFigures): Promise<RerunFigures> => {
  log(`re-running the pipeline ${label}`)
  const { seconds } = await runPipelineChild(args)
  return { seconds, percent_of_cold: (seconds / cold.pipeline_seconds) * 100 }
}

const format = (value: number, digits = 0) => value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })

const table = (rows: ReadonlyArray<readonly [string, string]>) => {
  const width = Math.max(...rows.map(([label]) => label.length))
  const valueWidth = Math.max(...rows.map(([, value]) => value.length))
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value.padStart(valueWidth)}`).join("\n")
}

const report = (
  options: BenchOptions,
  cold: ColdFigures | undefined,
  wink: WinkTiming | undefined,
  incremental: { frames: RerunFigures; addedDocument: RerunFigures } | undefined
): string => {
  const winkRate = wink === undefined ? undefined : wink.tokens / wink.seconds
  const rows: Array<readonly [string, string]> = []
  if (cold !== undefined) {
    rows.push(
      ["documents", format(cold.documents)],
      ["tokens", format(cold.tokens)],
      ["pipeline wall s", format(cold.pipeline_seconds, 1)],
      ["documents/s", format(cold.documents_per_second, 2)],
      ["tokens/s", format(cold.tokens_per_second)],
      ["peak RSS MiB", format(cold.peak_rss_mib)]
    )
  }
  if (winkRate !== undefined) rows.push(["bare wink tokens/s (1 core)", format(winkRate)])
  if (cold !== undefined && winkRate !== undefined) rows.push(["ratio pipeline/wink", format(cold.tokens_per_second / winkRate, 2)])
  if (incremental !== undefined) {
    rows.push(
      ["re-run, frames.yaml edited", `${format(incremental.frames.seconds, 1)} s = ${format(incremental.frames.percent_of_cold)}% of cold`],
      ["re-run, one document added", `${format(incremental.addedDocument.seconds, 1)} s = ${format(incremental.addedDocument.percent_of_cold)}% of cold`]
    )
  }
  const machine = `${cpus().length} CPUs, load ${loadavg().map((load) => load.toFixed(2)).join(" ")}`
  return `bench-${options.docs} (seed ${options.seed}, scenario ${options.scenario}; ${machine})\n${table(rows)}`
}

const bench = async (options: BenchOptions) => {
  const workDir = workFolder(options.keep)
  const corpusDir = join(workDir, "corpus")
  const name = `bench-${options.docs}`
  try {
    log(`generating ${options.docs} documents (seed ${options.seed}) in ${corpusDir}`)
    generateCorpus(corpusDir, options.docs, options.seed)

    const wantsIncremental = options.scenario !== "cold"
    let wink: WinkTiming | undefined
    if (options.scenario !== "incremental") {
      log("timing bare wink-nlp on one core")
      wink = timeBareWink(readTexts(corpusDir))
    }
    const cold = await runCold(workDir, name, `0.0.${options.docs}`, options.workers)
    let incremental: { frames: RerunFigures; addedDocument: RerunFigures } | undefined
    if (wantsIncremental) {
      editFramingCodebook(corpusDir)
      const frames = await rerun("after editing the framing codebook", pipelineArgs(workDir, "0.1.0", options.workers), cold)
      addDocument(corpusDir, options.seed)
      const addedDocument = await rerun("after adding one document", pipelineArgs(workDir, "0.2.0", options.workers), cold)
      incremental = { frames, addedDocument }
    }

    const text = report(options, cold, wink, incremental)
    if (!options.json) {
      console.log(text)
      return
    }
    log(text) // stdout is kept for the JSON
    const winkFigures = wink === undefined ? null : { tokens: wink.tokens, seconds: wink.seconds, tokens_per_second: wink.tokens / wink.seconds }
    console.log(JSON.stringify({
      docs: options.docs,
      seed: options.seed,
      scenario: options.scenario,
      machine: { cpus: cpus().length, load_average: loadavg(), node: process.version },
      peak_rss_method: "process.resourceUsage().maxRSS of the pipeline's process, written at exit by bench/peak-rss.cjs",
      pipeline: cold,
      bare_wink: winkFigures,
      ratio_pipeline_to_wink: winkFigures === null ? null : cold.tokens_per_second / winkFigures.tokens_per_second,
      incremental: incremental ?? null
    }, null, 2))
  } finally {
    if (options.keep === undefined) rmSync(workDir, { recursive: true, force: true })
    else log(`kept the corpus and the published datasets in ${workDir}`)
  }
}

const command = Command.make(
  "bench",
  {
    docs: Flag.Int("docs").pipe(Flag.withDescription("Number of synthetic documents to generate.")),
    seed: Flag.Int("seed").pipe(Flag.withDescription("Seed of the synthetic corpus."), Flag.withDefault(1)),
    scenario: Flag.Literals("scenario", ["cold", "incremental", "all"]).pipe(
      Flag.withDescription("cold: bare wink-nlp and one pipeline run; incremental: a cold run, then re-runs after editing the framing codebook and after adding a document (needs the pipeline's cache); all: both."),
      Flag.withDefault("cold" as const)
    ),
    keep: Flag.String("keep").pipe(Flag.withDescription("Generate into this (new or empty) folder and keep the corpus and datasets."), Flag.optional),
    workers: Flag.Int("workers").pipe(Flag.withDescription("The pipeline's --workers (default: the pipeline's, one per CPU)."), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Also print the figures as JSON on stdout (the table goes to stderr)."), Flag.withDefault(false))
  },
  (flags) =>
    Effect.tryPromise({
      try: () => {
        if (flags.docs < 1) throw new Error("--docs must be at least 1")
        return bench({ ...flags, keep: Option.getOrUndefined(flags.keep), workers: Option.getOrUndefined(flags.workers) })
      },
      catch: (error) => (error instanceof Error ? error.message : String(error))
    }).pipe(
      Effect.catch((message) =>
        Console.error(`bench failed: ${message}`).pipe(Effect.andThen(Effect.sync(() => void (process.exitCode = 1))))
      )
    )
).pipe(Command.withDescription("Benchmark the pipeline on a synthetic corpus against bare single-core wink-nlp."))

runCli(command)
