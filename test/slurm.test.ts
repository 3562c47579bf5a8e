// The Slurm job scripts, run as Slurm would run them (bash, with the array task's environment): two
// shard tasks and the merge publish the committed seed dataset byte for byte.
import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import { describe, expect, it } from "vitest"
import { projectRoot, seedRaw, tempDir } from "./support.ts"

const listFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort()

const runScript = (script: string, env: Record<string, string>) =>
  spawnSync("bash", [join(projectRoot, "slurm", script)], {
    cwd: projectRoot,
    env: { ...process.env, PROJECT: projectRoot, RAW: seedRaw, ...env },
    encoding: "utf8"
  })

describe("the Slurm job scripts", () => {
  it("two array tasks and the merge publish the committed seed dataset", () => {
    const partials = tempDir("partials")
    const out = tempDir("out")
    const cache = tempDir("cache")
    for (const task of ["1", "2"]) {
      const shard = runScript("shard.sbatch", { SLURM_ARRAY_TASK_ID: task, SHARDS: "2", SLURM_CPUS_PER_TASK: "1", PARTIALS: partials, CACHE_DIR: cache })
      expect(shard.status, shard.stderr).toBe(0)
    }
    expect(readdirSync(partials).sort()).toEqual([
      "seed-trump-putin-2025@1.0.0.shard-1-of-2.partial",
      "seed-trump-putin-2025@1.0.0.shard-2-of-2.partial"
    ])
    const merge = runScript("merge.sbatch", { PARTIALS: partials, OUT: out })
    expect(merge.status, merge.stderr).toBe(0)
    const built = join(out, "seed-trump-putin-2025", "1.0.0")
    const committed = join(projectRoot, "dist-data", "seed-trump-putin-2025", "1.0.0")
    expect(listFiles(built)).toEqual(listFiles(committed))
    for (const file of listFiles(committed)) {
      expect(readFileSync(join(built, file)).equals(readFileSync(join(committed, file))), file).toBe(true)
    }
  })

  it("a task outside an array says how to submit it", () => {
    const shard = runScript("shard.sbatch", { SLURM_ARRAY_TASK_ID: "", PARTIALS: tempDir("partials") })
    expect(shard.status).not.toBe(0)
    expect(shard.stderr).toContain("sbatch --array=1-N")
  })
})
