// Reading a version's files back in worker threads (pipeline/publish/readback-queue.ts): the same
// outcome as in the main thread, problems still named by file and row, nothing published on failure,
// and a worker that ends never leaves a file unread.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Effect } from "effect"
import { decodeCsv } from "../pipeline/publish/csv.ts"
import { RowDigest } from "../pipeline/publish/digest.ts"
import { tableLayout } from "../pipeline/publish/layout.ts"
import type { ReadbackJob } from "../pipeline/publish/readback-job.ts"
import { ReadbackQueue } from "../pipeline/publish/readback-queue.ts"
import { TableWriter } from "../pipeline/publish/table-writer.ts"
import { tableFile, type TableFormat, verifyTableFile } from "../pipeline/publish/verify.ts"
import { openVersion, type OpenVersionOptions } from "../pipeline/publish.ts"
import type { PipelineError } from "../pipeline/errors.ts"
import { documents } from "../schemas/documents.ts"
import { tokens } from "../schemas/tokens.ts"
import { sentences } from "../schemas/sentences.ts"
import type { Row, Table } from "../schemas/table.ts"
import { defaultDatasetCard } from "../schemas/inputs/dataset.ts"
import { failureOf, projectRoot, succeed, tempDir } from "./support.ts"

const seedRows = (table: Table<any>): Array<Row<any>> =>
  decodeCsv(table, readFileSync(join(projectRoot, "dist-data/seed-trump-putin-2025/1.0.0/csv", `${table.name}.csv`), "utf8")).records as Array<Row<any>>

const dataset = defaultDatasetCard("readback-test")
const provenance = { inputs: [], codebooks: [], parameters: {}, software: {} }
const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : [])
const documentRows = seedRows(documents)
const tokenRows = seedRows(tokens)

const publishVersion = (outDir: string, options: Partial<OpenVersionOptions>) =>
  Effect.scoped(Effect.gen(function* () {
    const version = yield* openVersion({ outDir, dataset, tables: [documents, tokens], ...options })
    yield* version.append(documents, documentRows)
    yield* version.append(tokens, tokenRows)
    return yield* version.finish({ provenance, figures: [] })
  }))

/** Flips a bit near the end of a staged file (before it is read back). */
const corrupt = (file: string) => (staging: string) => {
  const path = join(staging, file)
  const bytes = readFileSync(path)
  bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 1
  writeFileSync(path, bytes)
}

describe("a version read back in worker threads", () => {
  it("is published with the same files as one read back in the main thread", async () => {
    const [inWorkers, inMain] = [tempDir("versions"), tempDir("versions")]
    const byWorkers = await succeed(publishVersion(inWorkers, { readbackWorkers: 2 }))
    const byMain = await succeed(publishVersion(inMain, { readbackWorkers: 0 }))
    expect(byWorkers.status).toBe("published")
    expect(byWorkers.files).toEqual(byMain.files)
    expect(readFileSync(join(byWorkers.path, "manifest.json")).equals(readFileSync(join(byMain.path, "manifest.json")))).toBe(true)
  })

  for (const file of ["csv/tokens.csv", "arrow/tokens.arrow", "parquet/documents.parquet"]) {
    it(`is not published, its staging folder removed, when a worker finds that ${file} does not read back as written`, async () => {
      const outDir = tempDir("versions")
      const error = (await failureOf(publishVersion(outDir, { readbackWorkers: 1, beforeVerify: corrupt(file) }))) as PipelineError
      expect(error._tag).toBe("PublishError")
      expect(error.message.startsWith(`${file}: did not read back as written`)).toBe(true)
      expect(entries(join(outDir, dataset.name))).toEqual([])
    })
  }
})

describe("the read-back queue", () => {
  /** A tokens table's files, and the digest of rows that differ from theirs in row 5,000 (the second block). */
  const writtenTokens = async () => {
    const dir = tempDir("table")
    for (const format of ["csv", "arrow", "parquet"]) mkdirSync(join(dir, format))
    const writer = new TableWriter(tokens, dir)
    writer.append(tokenRows)
    await writer.close()
    const other = new RowDigest()
    tokenRows.forEach((row, index) => other.addRecord(index === 5000 ? { ...row, lemma: `${row.lemma}!` } : row, tokens.columns.map(({ name }) => name)))
    return { dir, expected: other.result() }
  }

  it("finds in a worker thread what the main thread finds in a file whose rows differ, naming the rows", async () => {
    const { dir, expected } = await writtenTokens()
    const job = (format: "csv" | "arrow"): ReadbackJob => ({ file: tableFile(tokens, format), path: join(dir, tableFile(tokens, format)), rows: { table: tableLayout(tokens), format, expected } })
    const queue = new ReadbackQueue(1)
    try {
      const outcomes = [queue.add(job("csv")), queue.addLast(job("arrow"))]
      await queue.readInMainThread()
      for (const [i, format] of (["csv", "arrow"] as Array<TableFormat>).entries()) {
        const { rows } = await outcomes[i]!
        const inMain = await verifyTableFile(tokens, format, join(dir, tableFile(tokens, format)), expected)
        expect(inMain).toMatchObject({ file: tableFile(tokens, format), problem: expect.stringMatching(/^differs from the rows the pipeline produced/) })
        expect(rows).toEqual({ problem: inMain })
      }
    } finally {
      await queue.close()
    }
  })

  it("reads in the main thread the files of a worker that ends", async () => {
    const { dir } = await writtenTokens()
    const queue = new ReadbackQueue(1, true, new URL("./fixtures/ending-readback-worker.ts", import.meta.url))
    try {
      const files = ["csv", "arrow", "parquet"].map((format) => tableFile(tokens, format as TableFormat))
      const outcomes = files.map((file, i) => (i < files.length - 1 ? queue.add({ file, path: join(dir, file) }) : queue.addLast({ file, path: join(dir, file) })))
      await queue.readInMainThread()
      for (const outcome of await Promise.all(outcomes)) expect(outcome.read?.size).toBeGreaterThan(0)
    } finally {
      await queue.close()
    }
  })
})

describe("an Arrow file whose dictionary is larger than a batch's share of it", () => {
  it("reads back as the rows written, and a changed row is found, its large dictionary decoded a batch at a time", async () => {
    // 70,000 sentences: a sentence_id dictionary larger than the files' decoded-whole limit (65,536)
    const [template] = seedRows(sentences) as Array<Row<typeof sentences>>
    const rows = Array.from({ length: 70_000 }, (_, i): Row<typeof sentences> => {
      const docId = `doc-${String(Math.floor(i / 100)).padStart(4, "0")}`
      return { ...template!, doc_id: docId, sentence_id: `${docId}#s${i % 100}`, index: i % 100, text: `Sentence ${i}.`, start: 0, end: `Sentence ${i}.`.length }
    })
    const dir = tempDir("large-dictionary")
    for (const format of ["csv", "arrow", "parquet"]) mkdirSync(join(dir, format))
    const writer = new TableWriter(sentences, dir)
    writer.append(rows)
    const { digest } = await writer.close()
    const path = join(dir, tableFile(sentences, "arrow"))
    expect(await verifyTableFile(sentences, "arrow", path, digest)).toBeUndefined()
    const other = new RowDigest()
    rows.forEach((row, i) => other.addRecord(i === 68_000 ? { ...row, sentence_id: `${row.doc_id}#s99` } : row, sentences.columns.map(({ name }) => name)))
    expect(await verifyTableFile(sentences, "arrow", path, other.result())).toMatchObject({ problem: expect.stringMatching(/^differs from the rows the pipeline produced/) })
  })
})
