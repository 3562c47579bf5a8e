// The loading snippets every dataset's codebook shows, run against the committed seed dataset with the
// tools this machine has: TypeScript (apache-arrow), DuckDB and Python with pandas (Debian's python3-pandas,
// which .ci/run installs). polars and R arrow have no package this machine can install; their snippets are
// shown but not run here.
import { spawnSync } from "node:child_process"
import { rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { DuckDBInstance } from "@duckdb/node-api"
import { parse as parseYaml } from "yaml"
import { readFileSync } from "node:fs"
import { loadingSnippets, type Snippet } from "../pipeline/publish/codebook.ts"
import { projectRoot } from "./support.ts"

const card = parseYaml(readFileSync(join(projectRoot, "raw/dataset.yaml"), "utf8")) as { name: string; version: string }
const snippets = loadingSnippets(`dist-data/${card.name}/${card.version}`)
const snippet = (tool: string): Snippet => snippets.find((candidate) => candidate.tool.startsWith(tool))!

const debianPython = "/usr/bin/python3"
const hasPandas = spawnSync(debianPython, ["-c", "import pandas"]).status === 0

describe("the codebook's loading snippets", () => {
  it("TypeScript: apache-arrow reads the entities table", () => {
    const file = join(projectRoot, `.snippet-${process.pid}.ts`)
    writeFileSync(file, snippet("TypeScript").code)
    try {
      const result = spawnSync("npx", ["tsx", file], { cwd: projectRoot, encoding: "utf8" })
      expect(result.status, result.stderr).toBe(0)
      expect(result.stdout).toMatch(/^\d+ doc_id, sentence_id, start, end, surface, entity_id/)
    } finally {
      rmSync(file)
    }
  })

  it("DuckDB: the SQL returns frame scores per camp", async () => {
    const connection = await (await DuckDBInstance.create(":memory:")).connect()
    const rows = (await connection.runAndReadAll(snippet("DuckDB").code)).getRowObjects()
    expect(new Set(rows.map((row) => row["camp"]))).toEqual(new Set(["ru", "ua", "third-country"]))
    expect(rows.every((row) => Number(row["ci_low"]) <= Number(row["per_1k"]) && Number(row["per_1k"]) <= Number(row["ci_high"]))).toBe(true)
  })

  it.runIf(hasPandas)("Python: pandas reads the CSV files and pivots frame scores by camp", () => {
    const result = spawnSync(debianPython, ["-c", snippet("Python (pandas").code], { cwd: projectRoot, encoding: "utf8" })
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/diplomacy_negotiation/)
    expect(result.stdout).toMatch(/third-country/)
  })
})
