// npm run validate: the committed seed dataset is valid; copies of it broken in one way each are not, and
// the problem names the file, row and column.
import { execFile } from "node:child_process"
import { cpSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { parse } from "csv-parse/sync"
import { stringify } from "csv-stringify/sync"
import { tokens } from "../schemas/tokens.ts"
import { sha256 } from "../pipeline/ingest.ts"
import { encodeArrow } from "../pipeline/publish/arrow.ts"
import { decodeCsv } from "../pipeline/publish/csv.ts"
import { encodeParquet } from "../pipeline/publish/parquet.ts"
import { documents } from "../schemas/documents.ts"
import { validateDataset } from "../pipeline/validate/dataset.ts"
import { projectRoot, removeDir, tempDir } from "./support.ts"

const seed = join(projectRoot, "dist-data/seed-trump-putin-2025/1.0.0")
const copies: Array<string> = []
afterAll(() => copies.forEach(removeDir))

const copySeed = (): string => {
  const dir = tempDir("validate")
  copies.push(dir)
  cpSync(seed, dir, { recursive: true })
  return dir
}

interface Listed { path: string; sha256: string; bytes: number }
const readJson = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), "utf8"))
const writeJson = (dir: string, file: string, value: unknown) => writeFileSync(join(dir, file), `${JSON.stringify(value, null, 2)}\n`)

/** Records the file's new size and hash in datapackage.json and manifest.json, as if it had been published so. */
const fixChecksums = (dir: string, path: string): void => {
  const update = (listed: string, file: string, entries: (json: any) => Array<Listed>, set: (entry: any, bytes: Buffer) => void) => {
    const json = readJson(dir, file)
    set(entries(json).find((entry) => entry.path === listed), readFileSync(join(dir, listed)))
    writeJson(dir, file, json)
  }
  update(path, "datapackage.json", (json) => json.resources, (entry, bytes) => {
    entry.bytes = bytes.length
    entry.hash = `sha256:${sha256(bytes)}`
  })
  for (const listed of [path, "datapackage.json"]) {
    update(listed, "manifest.json", (json) => json.files, (entry, bytes) => {
      entry.bytes = bytes.length
      entry.sha256 = sha256(bytes)
    })
  }
}

/** Adds a file as publish would list it: in manifest.json (with its rows) and as a datapackage.json resource. */
const csvRows = (dir: string, table: typeof tokens | typeof documents) =>
  decodeCsv(table, readFileSync(join(dir, `csv/${table.name}.csv`), "utf8")).records as Array<any>

/** Changes one cell (row as a spreadsheet numbers it: the header is row 1) and fixes the checksums. */
const editCell = (dir: string, file: string, row: number, column: string, value: (old: string) => string): void => {
  const path = join(dir, file)
  const records = parse(readFileSync(path)) as Array<Array<string>>
  const index = records[0]!.indexOf(column)
  records[row - 1]![index] = value(records[row - 1]![index]!)
  writeFileSync(path, stringify(records, { record_delimiter: "\r\n", quoted_match: /^\s|\s$/ }))
  fixChecksums(dir, file)
}

const cell = (dir: string, file: string, row: number, column: string): string => {
  const records = parse(readFileSync(join(dir, file))) as Array<Array<string>>
  return records[row - 1]![records[0]!.indexOf(column)]!
}

const problemsOf = async (dir: string, options = {}) => (await validateDataset(dir, options)).problems.lines()

describe("validate", () => {
  it("finds the committed seed dataset valid", async () => {
    const { files, rows, problems } = await validateDataset(seed)
    expect(problems.lines()).toEqual([])
    const manifest = readJson(seed, "manifest.json") as { files: Array<Listed & { rows?: number }> }
    expect(files).toBe(manifest.files.length + 1)
    expect(rows).toBe(manifest.files.filter((file) => file.path.startsWith("csv/")).reduce((sum, file) => sum + (file.rows ?? 0), 0))
  })

  it("keeps the CSV bytes when a test helper rewrites a file unchanged", () => {
    const dir = copySeed()
    editCell(dir, "csv/sentences.csv", 2, "text", (text) => text)
    expect(readFileSync(join(dir, "csv/sentences.csv"))).toEqual(readFileSync(join(seed, "csv/sentences.csv")))
  })

  it("names a CSV file whose bytes changed", async () => {
    const dir = copySeed()
    const path = join(dir, "csv/documents.csv")
    const bytes = readFileSync(path)
    bytes[bytes.indexOf("Kyiv") + 1] = "i".charCodeAt(0)
    writeFileSync(path, bytes)
    const problems = await problemsOf(dir)
    expect(problems[0]).toMatch(/^csv\/documents\.csv: has SHA-256 [0-9a-f]{64}, manifest\.json says [0-9a-f]{64}$/)
    expect(problems).toContainEqual(expect.stringMatching(/^datapackage\.json, resources\.0\.hash: is sha256:.*, but csv\/documents\.csv has sha256:/))
  })

  it("names a file the manifest does not list", async () => {
    const dir = copySeed()
    writeFileSync(join(dir, "csv/notes.txt"), "scratch\n")
    expect(await problemsOf(dir)).toEqual(["csv/notes.txt: is not listed in manifest.json"])
  })

  it("names the row and column of a value the schema rejects", async () => {
    const dir = copySeed()
    editCell(dir, "csv/tokens.csv", 5, "is_stop", () => "maybe")
    editCell(dir, "csv/sentences.csv", 3, "start", () => "-1")
    const problems = await problemsOf(dir)
    expect(problems).toContainEqual(expect.stringMatching(/^csv\/tokens\.csv, row 5, column is_stop: Expected boolean, got "maybe"$/))
    expect(problems).toContainEqual(expect.stringMatching(/^csv\/sentences\.csv, row 3, column start: .*0.*-1/))
    expect(problems).toContainEqual("arrow/tokens.arrow, record 3: differs from csv/tokens.csv row 5")
  })

  it("names a repeated primary key, kept in a set or found next to its twin", async () => {
    const dir = copySeed()
    editCell(dir, "csv/sentences.csv", 4, "sentence_id", () => cell(dir, "csv/sentences.csv", 2, "sentence_id"))
    editCell(dir, "csv/tokens.csv", 3, "index", () => cell(dir, "csv/tokens.csv", 2, "index"))
    const problems = await problemsOf(dir)
    expect(problems).toContainEqual("csv/sentences.csv, row 4, column sentence_id: repeats the primary key of row 2")
    expect(problems).toContainEqual("csv/tokens.csv, row 3, columns doc_id, index: repeats the primary key of row 2")
  })

  it("names a sentence whose document does not exist", async () => {
    const dir = copySeed()
    editCell(dir, "csv/sentences.csv", 2, "doc_id", () => "no-such-document")
    const problems = await problemsOf(dir)
    expect(problems).toContainEqual(
      "csv/sentences.csv, row 2, column doc_id: \"no-such-document\" is not a documents.doc_id (no row of csv/documents.csv has it)"
    )
  })

  it("names an offset beyond its document's text", async () => {
    const dir = copySeed()
    editCell(dir, "csv/entities.csv", 2, "end", () => "999999")
    const doc = cell(dir, "csv/entities.csv", 2, "doc_id")
    const length = cell(dir, "csv/documents.csv", 2, "n_chars_clean")
    const problems = await problemsOf(dir)
    expect(problems).toContainEqual(`csv/entities.csv, row 2, column end: 999999 is beyond the end of texts.text_clean of ${doc} (${length})`)
  })

  it("names a token whose text is not its slice of the clean text", async () => {
    const dir = copySeed()
    const original = cell(dir, "csv/tokens.csv", 2, "text")
    editCell(dir, "csv/tokens.csv", 2, "text", () => "XYZ")
    const start = cell(dir, "csv/tokens.csv", 2, "start")
    const end = cell(dir, "csv/tokens.csv", 2, "end")
    expect(await problemsOf(dir)).toContainEqual(
      `csv/tokens.csv, row 2, column text: is "XYZ", but texts.text_clean[${start}:${end}] is ${JSON.stringify(original)}`
    )
  })

  it("names a document count that does not match the rows counted", async () => {
    const dir = copySeed()
    editCell(dir, "csv/documents.csv", 3, "n_sentences", (n) => String(Number(n) + 1))
    const doc = cell(dir, "csv/documents.csv", 3, "doc_id")
    const n = cell(seed, "csv/documents.csv", 3, "n_sentences")
    expect(await problemsOf(dir)).toEqual([
      "arrow/documents.arrow, record 1: differs from csv/documents.csv row 3",
      "parquet/documents.parquet, record 1: differs from csv/documents.csv row 3",
      `csv/documents.csv, row 3, column n_sentences: is ${Number(n) + 1}, but sentences has ${n} rows for doc_id ${doc}`
    ])
  })

  it("names an Arrow record that differs from its CSV row", async () => {
    const dir = copySeed()
    const rows = csvRows(dir, tokens).map((row, index) => (index === 4 ? { ...row, lemma: "changed" } : row))
    writeFileSync(join(dir, "arrow/tokens.arrow"), encodeArrow(tokens, rows))
    fixChecksums(dir, "arrow/tokens.arrow")
    expect(await problemsOf(dir)).toEqual(["arrow/tokens.arrow, record 4: differs from csv/tokens.csv row 6"])
  })

  it("checks the Parquet files the manifest lists against the CSV rows", async () => {
    const dir = copySeed()
    const rows = csvRows(dir, tokens).map((row, index) => (index === 4 ? { ...row, is_stop: !row.is_stop } : row))
    writeFileSync(join(dir, "parquet/tokens.parquet"), encodeParquet(tokens, rows))
    fixChecksums(dir, "parquet/tokens.parquet")
    expect(await problemsOf(dir)).toEqual(["parquet/tokens.parquet, record 4: differs from csv/tokens.csv row 6"])
  })

  describe.concurrent("on the command line", () => {
    const cli = async (...args: Array<string>) => {
      try {
        const { stdout, stderr } = await promisify(execFile)("npx", ["tsx", "pipeline/validate.ts", ...args], { cwd: projectRoot })
        return { code: 0, stdout, stderr }
      } catch (error) {
        const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string }
        return { code, stdout, stderr }
      }
    }

    it("prints valid and exits 0 for the seed dataset, with one progress line per file on stderr", async ({ expect }) => {
      const { code, stdout, stderr } = await cli(seed)
      expect(code).toBe(0)
      expect(stdout).toMatch(new RegExp(`^valid: ${seed} \\(\\d+ files, \\d+ rows\\)\\n$`))
      expect(stderr).toContain("checked csv/tokens.csv (")
      expect(stderr).toContain("checked arrow/tokens.arrow")
    })

    it("prints one line per problem and exits 1 for a broken copy", async ({ expect }) => {
      const dir = copySeed()
      editCell(dir, "csv/tokens.csv", 5, "is_stop", () => "maybe")
      const { code, stdout, stderr } = await cli("--quiet", dir)
      expect(code).toBe(1)
      expect(stdout.split("\n")).toEqual([
        'csv/tokens.csv, row 5, column is_stop: Expected boolean, got "maybe"',
        "arrow/tokens.arrow, record 3: differs from csv/tokens.csv row 5",
        "parquet/tokens.parquet, record 3: differs from csv/tokens.csv row 5",
        ""
      ])
      expect(stderr).toMatch(/invalid: .* \(3 problems\)/)
    })

    it("gives one clear line, and no stack trace, for a folder that is not a published version", async ({ expect }) => {
      const [missing, datasetFolder] = await Promise.all([
        cli(join(projectRoot, "no-such-folder")),
        cli(join(projectRoot, "dist-data/seed-trump-putin-2025"))
      ])
      expect(missing.code).toBe(1)
      expect(missing.stderr).toMatch(/^error: .*no-such-folder: no such folder\. Pass a version folder/m)
      expect(missing.stderr).not.toMatch(/ at /)
      expect(datasetFolder.code).toBe(1)
      expect(datasetFolder.stderr).toContain("is a dataset folder, not one of its versions (try ")
    })
  })
})
