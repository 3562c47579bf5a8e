// Crash safety: a run killed with SIGKILL at any moment leaves every published version intact and no
// partial version visible, and the next run completes.
import { spawn } from "node:child_process"
import { existsSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { validateDataset } from "../pipeline/validate/dataset.ts"
import { projectRoot, seedRaw, tempDir } from "./support.ts"

const runPipeline = (out: string, version: string, killAfterMs?: number) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, ["pipeline/run.mjs", "pipeline/main.ts", "--raw", seedRaw, "--out", out, "--version", version, "--quiet"], {
      cwd: projectRoot,
      stdio: "ignore"
    })
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs)
    child.on("exit", (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, ms: performance.now() - started })
    })
  })

const visibleVersions = (datasetDir: string): Array<string> =>
  existsSync(datasetDir) ? readdirSync(datasetDir).filter((name) => !name.startsWith(".")).sort() : []

const expectValid = async (versionDir: string) => {
  const validation = await validateDataset(versionDir)
  expect(validation.problems.lines(), `${versionDir} is not a valid version`).toEqual([])
}

describe("killing a run (SIGKILL)", () => {
  it("never leaves a partial version visible, keeps published versions intact, and the next run completes", { timeout: 900_000 }, async () => {
    const out = tempDir("crash")
    const datasetDir = join(out, "seed-trump-putin-2025")
    const first = await runPipeline(out, "1.0.0")
    expect(first.code).toBe(0)
    await expectValid(join(datasetDir, "1.0.0"))

    // Kill later runs of another version at points spread over a whole run, publishing included.
    for (const fraction of [0.4, 0.8, 0.9, 0.97]) {
      const killed = await runPipeline(out, "1.0.1", Math.round(first.ms * fraction))
      const versions = visibleVersions(datasetDir)
      expect(["1.0.0"].concat(killed.signal === null ? ["1.0.1"] : []).every((version) => versions.includes(version))).toBe(true)
      for (const version of versions) await expectValid(join(datasetDir, version))
      expect(versions.every((version) => ["1.0.0", "1.0.1"].includes(version))).toBe(true)
    }

    const completed = await runPipeline(out, "1.0.1")
    expect(completed.code).toBe(0)
    expect(visibleVersions(datasetDir)).toEqual(["1.0.0", "1.0.1"])
    await expectValid(join(datasetDir, "1.0.1"))
  })
})
