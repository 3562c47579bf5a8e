// The two things the benchmark times: bare wink-nlp in this process, and the whole pipeline as a child
// process (so its memory is its own), with the child's peak RSS reported by bench/peak-rss.cjs.
import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { parse as parseCsv } from "csv-parse/sync"
import winkNLP from "wink-nlp"
import model from "wink-eng-lite-web-model"

export const projectRoot = fileURLToPath(new URL("../", import.meta.url))
const peakRssReporter = fileURLToPath(new URL("./peak-rss.cjs", import.meta.url))

export interface WinkTiming {
  readonly tokens: number
  readonly seconds: number
}

/**
 * Bare wink-nlp on one core over texts already in memory: readDoc, sentences, and each token's normal
 * form, lemma and part of speech. Loading the model is not timed. Tokens are counted as the pipeline
 * counts them: every token that is not pure whitespace.
 */
export const timeBareWink = (texts: ReadonlyArray<string>): WinkTiming => {
  const nlp = winkNLP(model)
  const its = nlp.its
  let tokens = 0
  const started = performance.now()
  for (const text of texts) {
    const doc = nlp.readDoc(text)
    doc.sentences().out()
    const normals = doc.tokens().out(its.normal) as Array<string>
    doc.tokens().out(its.lemma as unknown as typeof its.normal)
    doc.tokens().out(its.pos)
    for (const normal of normals) if (normal.trim() !== "") tokens++
  }
  return { tokens, seconds: (performance.now() - started) / 1000 }
}

export interface ChildRun {
  readonly seconds: number
  readonly peakRssBytes: number
}

export class BenchError extends Error {}

/**
 * Flushes files written before (the corpus, an earlier run's dataset and cache) to disk, so that a timed
 * run does not pay for writing back what an earlier one wrote. Best effort: `sync` may be missing.
 */
const settleDisk = (): void => void spawnSync("sync", { stdio: "ignore" })

/** Runs the pipeline CLI as `npm run pipeline` does (`node pipeline/run.mjs pipeline/main.ts ARGS`); fails with the child's last stderr line. */
export const runPipelineChild = (args: ReadonlyArray<string>): Promise<ChildRun> => {
  settleDisk()
  const scratch = mkdtempSync(join(tmpdir(), "dp-bench-rss-"))
  const rssFile = join(scratch, "peak-rss")
  const started = performance.now()
  const child = spawn(process.execPath, ["--require", peakRssReporter, "pipeline/run.mjs", "pipeline/main.ts", ...args], {
    cwd: projectRoot,
    env: { ...process.env, BENCH_PEAK_RSS_FILE: rssFile },
    stdio: ["ignore", "ignore", "pipe"]
  })
  let stderr = ""
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  return new Promise<ChildRun>((resolve, reject) => {
    child.on("error", (error) => reject(new BenchError(`cannot start the pipeline: ${error.message}`)))
    child.on("close", (code, signal) => {
      const seconds = (performance.now() - started) / 1000
      try {
        if (code !== 0) {
          const lastLine = stderr.trim().split("\n").at(-1) ?? ""
          throw new BenchError(`the pipeline failed (${signal ?? `exit ${code}`}): ${lastLine}`)
        }
        resolve({ seconds, peakRssBytes: Number(readFileSync(rssFile, "utf8")) })
      } catch (error) {
        reject(error instanceof BenchError ? error : new BenchError(`the pipeline's peak RSS was not reported (${String(error)})`))
      } finally {
        rmSync(scratch, { recursive: true, force: true })
      }
    })
  })
}

/** Documents and tokens of a published version, from its documents table. */
export const publishedCounts = (versionDir: string): { documents: number; tokens: number } => {
  const path = join(versionDir, "csv", "documents.csv")
  const rows = parseCsv(readFileSync(path), { columns: true }) as Array<{ n_tokens?: string }>
  const tokens = rows.reduce((sum, row) => sum + Number(row.n_tokens), 0)
  if (!Number.isFinite(tokens)) throw new BenchError(`${path} has no numeric n_tokens column`)
  return { documents: rows.length, tokens }
}
