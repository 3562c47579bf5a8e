// The notebooks in notebooks/. The TypeScript notebook's code cells run, in order, as one Deno module against
// the committed seed dataset, without Jupyter (bash notebooks/execute.sh runs both notebooks in real kernels);
// a line appended after the last cell prints the values the cells leave, and the checks below read them.
import { spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { projectRoot } from "./support.ts"

const notebooksDir = join(projectRoot, "notebooks")

interface Output { output_type: string; data?: Record<string, unknown>; text?: string | Array<string> }
interface Cell { id?: string; cell_type: string; source: string | Array<string>; outputs?: Array<Output> }
const readNotebook = (name: string) =>
  JSON.parse(readFileSync(join(notebooksDir, name), "utf8")) as { cells: Array<Cell>; metadata: { kernelspec?: { name: string } } }
const sourceOf = (cell: Cell) => (typeof cell.source === "string" ? cell.source : cell.source.join(""))
const codeCells = (name: string) => readNotebook(name).cells.filter((cell) => cell.cell_type === "code")

/** Runs a TypeScript module given on stdin with the project's Deno, in notebooks/ (as the Jupyter kernel does). */
const runDeno = (code: string) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const deno = join(projectRoot, "node_modules/.bin/deno")
    // --check type-checks the cells too (the kernel itself does not).
    const child = spawn(deno, ["run", "--check", "--allow-read", "--allow-env", "--no-prompt", "--no-lock", "--ext=ts", "-"], {
      cwd: notebooksDir,
      env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" }
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    child.on("error", reject)
    child.on("close", (status) => resolve({ status, stdout, stderr }))
    child.stdin.end(code)
  })

interface FrameScore { level: string; unit: string; frame_id: string; frame: string; per_1k: number | null; ci_low: number | null; ci_high: number | null }
interface KeyTerm { target: string; term: string; g2: number; p_value: number; is_stop: boolean }
interface Naming { group_by: string; group: string; concept: string; variant: string; count: number; share: number }
interface Salient { group: string; canonical: string; mentions: number }
interface Results {
  documents: Array<{ doc_id: string; camp: string | null }>
  framesByCamp: Array<FrameScore>
  framesByOutlet: Array<FrameScore>
  keyTerms: Array<KeyTerm>
  focus: Array<Naming>
  naming: Array<Naming>
  salient: Array<Salient>
}
const marker = "NOTEBOOK-RESULTS "

const groupBy = <T>(rows: Array<T>, key: (row: T) => string): Map<string, Array<T>> => {
  const groups = new Map<string, Array<T>>()
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row])
  return groups
}

describe("the TypeScript notebook, run without Jupyter on the seed dataset", () => {
  let results: Results

  beforeAll(async () => {
    const cells = codeCells("seed-comparisons.ipynb").map(sourceOf)
    const report = `console.log(${JSON.stringify(marker)} + JSON.stringify({ documents, framesByCamp, framesByOutlet, keyTerms, focus, naming, salient }))`
    const run = await runDeno([...cells, report].join("\n\n"))
    if (run.status !== 0) throw new Error(`the notebook's code failed (exit ${run.status}):\n${run.stderr}`)
    const line = run.stdout.split("\n").find((candidate) => candidate.startsWith(marker))
    if (line === undefined) throw new Error(`no results printed:\n${run.stdout}\n${run.stderr}`)
    results = JSON.parse(line.slice(marker.length)) as Results
  })

  it("loads the five documents", () => {
    expect(results.documents.map((document) => document.doc_id)).toHaveLength(5)
  })

  it("scores every frame for the three camps and the four known outlets, each inside its confidence interval", () => {
    const frames = new Set(results.framesByCamp.map((score) => score.frame_id))
    expect(frames.size).toBeGreaterThan(0)
    expect(new Set(results.framesByCamp.map((score) => score.unit))).toEqual(new Set(["ru", "third-country", "ua"]))
    expect(new Set(results.framesByOutlet.map((score) => score.unit))).toEqual(
      new Set(["astro-awani", "bao-hai-duong", "espreso", "euromaidan-press"])
    )
    expect(results.framesByCamp).toHaveLength(3 * frames.size)
    expect(results.framesByOutlet).toHaveLength(4 * frames.size)
    for (const score of [...results.framesByCamp, ...results.framesByOutlet]) {
      expect(score.frame, "labelled from frame_lexicon").not.toBe(score.frame_id)
      expect(score.per_1k).not.toBeNull()
      expect(score.ci_low!).toBeLessThanOrEqual(score.per_1k!)
      expect(score.ci_high!).toBeGreaterThanOrEqual(score.per_1k!)
    }
  })

  it("keeps each outlet's strongest significant key terms, strongest first", () => {
    const byOutlet = groupBy(results.keyTerms, (term) => term.target)
    expect([...byOutlet.keys()].sort()).toEqual(["astro-awani", "bao-hai-duong", "espreso", "euromaidan-press"])
    for (const terms of byOutlet.values()) {
      expect(terms.length).toBeGreaterThan(0)
      expect(terms.length).toBeLessThanOrEqual(10)
      expect(terms.every((term) => term.g2 > 0 && term.p_value <= 0.05 && !term.is_stop)).toBe(true)
      expect(terms.map((term) => term.g2)).toEqual(terms.map((term) => term.g2).toSorted((a, b) => b - a))
    }
    expect(byOutlet.get("astro-awani")?.[0]?.term).toBe("west")
  })

  it("shows the Russian side writing Kiev and the Ukrainian outlets Kyiv, every time", () => {
    const share = (group: string, variant: string) =>
      results.focus.find((row) => row.group_by === "camp" && row.group === group && row.variant === variant)
    expect(share("ru", "Kiev")).toMatchObject({ count: 15, share: 1 })
    expect(share("ru", "Kyiv")).toMatchObject({ count: 0, share: 0 })
    expect(share("ua", "Kyiv")).toMatchObject({ share: 1 })
    expect(share("ua", "Kiev")).toMatchObject({ count: 0, share: 0 })
    expect(results.focus.every((row) => row.concept === "capital_of_ukraine")).toBe(true)
    expect(new Set(results.naming.map((row) => row.group_by))).toEqual(new Set(["outlet", "camp"]))
  })

  it("lists each camp's most mentioned entities, most mentioned first", () => {
    const byCamp = groupBy(results.salient, (entity) => entity.group)
    expect([...byCamp.keys()].sort()).toEqual(["ru", "third-country", "ua"])
    for (const entities of byCamp.values()) {
      expect(entities.length).toBeLessThanOrEqual(8)
      expect(entities.map((entity) => entity.mentions)).toEqual(entities.map((entity) => entity.mentions).toSorted((a, b) => b - a))
    }
    // Canonical entities: the Russian side's "Kiev" is the entity Kyiv, its most mentioned place with Ukraine.
    expect(byCamp.get("ru")?.slice(0, 2).map((entity) => entity.canonical)).toEqual(["Kyiv", "Ukraine"])
  })
})

describe("the committed notebooks", () => {
  const notebooks = [
    { name: "seed-comparisons.ipynb", kernel: "deno", chart: "image/svg+xml" },
    { name: "seed-comparisons-python.ipynb", kernel: "python3", chart: "image/png" }
  ]

  it.each(notebooks)("$name carries the outputs of every code cell, charts included, and no error", ({ name, kernel, chart }) => {
    const notebook = readNotebook(name)
    expect(notebook.metadata.kernelspec?.name).toBe(kernel)
    const cells = notebook.cells.filter((cell) => cell.cell_type === "code")
    for (const cell of cells) {
      expect(cell.outputs?.length ?? 0, `cell ${cell.id ?? ""}`).toBeGreaterThan(0)
      expect(cell.outputs?.some((output) => output.output_type === "error") ?? false, `cell ${cell.id ?? ""}`).toBe(false)
    }
    const charts = cells.flatMap((cell) => cell.outputs ?? []).filter((output) => output.data?.[chart] !== undefined)
    expect(charts).toHaveLength(5)
  })

  it.each(notebooks)("$name reads the committed dataset through its one DATASET setting", ({ name }) => {
    const first = sourceOf(codeCells(name)[0]!)
    const dataset = /DATASET = "([^"]+)"/.exec(first)?.[1]
    expect(dataset).toBe("../dist-data/seed-trump-putin-2025/1.0.0")
    expect(existsSync(join(notebooksDir, dataset!, "datapackage.json"))).toBe(true)
  })
})
