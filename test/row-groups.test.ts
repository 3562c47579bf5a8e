// Where row groups end (pipeline/publish/row-groups.ts): within the limits, between documents where a
// document closes a group, and so that adding a document leaves the other documents' groups as they were.
import { mkdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { parquetMetadata } from "hyparquet"
import { publishedTables } from "../schemas/index.ts"
import { termFrequencies } from "../schemas/term_frequencies.ts"
import { texts } from "../schemas/texts.ts"
import { tokens } from "../schemas/tokens.ts"
import { decodeCsv } from "../pipeline/publish/csv.ts"
import { MIN_DOCUMENTS, ROW_GROUP_LIMITS, rowChars, rowGroupSizes, type RowGroupLimits } from "../pipeline/publish/row-groups.ts"
import { TableWriter } from "../pipeline/publish/table-writer.ts"
import { tableFile } from "../pipeline/publish/verify.ts"
import { projectRoot, tempDir } from "./support.ts"

const seedCsvDir = join(projectRoot, "dist-data/seed-trump-putin-2025/1.0.0/csv")
const tokenNames = tokens.columns.map(({ name }) => name)

interface Doc {
  readonly id: string
  readonly rows: number
}

/** Token-like rows of the documents, in order: `rows` of each, with a short text. */
const rowsOf = (docs: ReadonlyArray<Doc>) =>
  docs.flatMap(({ id, rows }) => Array.from({ length: rows }, (_, index) => ({ doc_id: id, index, text: "word" })))

/** Each group as "<its first row's document and index>+<its size>". */
const groupsOf = (docs: ReadonlyArray<Doc>, limits: RowGroupLimits = ROW_GROUP_LIMITS) => {
  const rows = rowsOf(docs)
  let at = 0
  return rowGroupSizes(tokens, rows, limits).map((size) => {
    const first = rows[at]!
    at += size
    return { key: `${first.doc_id}#${first.index}+${size}`, start: at - size, size }
  })
}

/** A corpus of `count` documents of 20 to 200 rows each, drawn from a fixed seed. */
const corpus = (count: number, seed: number): Array<Doc> => {
  let state = seed
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32
  return Array.from({ length: count }, (_, i) => ({ id: `doc-${String(i).padStart(5, "0")}`, rows: 20 + Math.floor(next() * 180) }))
}

const SMALL: RowGroupLimits = { rows: 2000, chars: 40_000 }

const docsArbitrary = fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 120 }).map((sizes) =>
  sizes.map((rows, i) => ({ id: `doc-${String(i).padStart(4, "0")}`, rows }))
)

describe("row groups", () => {
  it("hold every row once, within the limits, and end only between documents unless full", () => {
    fc.assert(
      fc.property(docsArbitrary, (docs) => {
        const rows = rowsOf(docs)
        const sizes = rowGroupSizes(tokens, rows, SMALL)
        expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(rows.length)
        let start = 0
        for (const size of sizes) {
          const group = rows.slice(start, start + size)
          const chars = group.reduce((sum, row) => sum + rowChars(row, tokenNames), 0)
          const full = size === SMALL.rows || chars >= SMALL.chars
          expect(size).toBeLessThanOrEqual(SMALL.rows)
          expect(chars - rowChars(group.at(-1)!, tokenNames)).toBeLessThan(SMALL.chars) // full only at its last row
          const next = rows[start + size]
          if (!full && next !== undefined) {
            expect(next.doc_id).not.toBe(group.at(-1)!.doc_id) // between two documents
            const documents = new Set(group.map((row) => row.doc_id)).size
            expect(documents >= MIN_DOCUMENTS || size / SMALL.rows + chars / SMALL.chars >= 1 / 2).toBe(true)
          }
          start += size
        }
      }),
      { numRuns: 200 }
    )
  })

  it("before a document added, changed or removed, stay as they were", () => {
    fc.assert(
      fc.property(docsArbitrary, fc.nat(), fc.integer({ min: 1, max: 400 }), fc.constantFrom("add", "change", "remove"), (docs, pick, rows, edit) => {
        const at = pick % docs.length
        const edited = edit === "add"
          ? [...docs.slice(0, at), { id: `${docs[at]!.id}+`, rows }, ...docs.slice(at)]
          : edit === "change"
          ? docs.map((doc, i) => (i === at ? { ...doc, rows } : doc))
          : docs.filter((_, i) => i !== at)
        const firstEditedRow = rowsOf(docs.slice(0, at)).length
        const before = groupsOf(docs, SMALL).filter((group) => group.start + group.size <= firstEditedRow)
        expect(groupsOf(edited, SMALL).slice(0, before.length)).toEqual(before)
      }),
      { numRuns: 300 }
    )
  })

  it("change by about one per table when a document is added to 2,000", () => {
    // The default limits' proportions to a document, at an eighth of the size.
    const limits: RowGroupLimits = { rows: ROW_GROUP_LIMITS.rows / 8, chars: ROW_GROUP_LIMITS.chars / 8 }
    const docs = corpus(2000, 7)
    const groups = groupsOf(docs, limits)
    const keys = new Set(groups.map(({ key }) => key))
    expect(groups.length).toBeGreaterThan(20) // about a half of the limits each
    let changed = 0
    const trials = 25
    for (let trial = 0; trial < trials; trial++) {
      const at = Math.floor((trial * docs.length) / trials) + 3
      const added = [...docs.slice(0, at), { id: `${docs[at]!.id}+`, rows: 100 }, ...docs.slice(at)]
      const fresh = groupsOf(added, limits).filter(({ key }) => !keys.has(key)).length
      expect(fresh).toBeLessThanOrEqual(3)
      changed += fresh
    }
    expect(changed / trials).toBeLessThan(1.3)
  })

  it("of a table not ordered by documents end only when full", () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ group_by: "outlet", group: `g${i % 7}`, term: `t${i}` }))
    expect(rowGroupSizes(termFrequencies, rows, { rows: 1000, chars: 1 << 20 })).toEqual(Array(10).fill(1000))
  })

  it("are one per table in the seed dataset, whose files they leave as published", () => {
    for (const table of publishedTables) {
      const { records } = decodeCsv(table, readFileSync(join(seedCsvDir, `${table.name}.csv`), "utf8"))
      expect(rowGroupSizes(table, records).length, table.name).toBeLessThanOrEqual(1)
    }
  })
})

describe("a table's files, with a document added", () => {
  const limits: RowGroupLimits = { rows: 4096, chars: 40_000 }
  const textRows = (docs: ReadonlyArray<Doc>) => docs.map(({ id, rows }) => ({ doc_id: id, text_clean: `${id} `.repeat(rows) }))

  /** The texts table of `docs` (each text `rows` words long) written through a TableWriter: its digest and Parquet bytes. */
  const written = async (docs: ReadonlyArray<Doc>) => {
    const dir = tempDir("row-groups")
    for (const format of ["csv", "arrow", "parquet"]) mkdirSync(join(dir, format))
    const writer = new TableWriter(texts, dir, limits)
    writer.append(textRows(docs))
    const { digest } = await writer.close()
    return { digest, parquet: readFileSync(join(dir, tableFile(texts, "parquet"))) }
  }

  it("keep the bytes of the row groups before it and the digests of those after", async () => {
    const docs = corpus(300, 11)
    const at = 200
    const before = await written(docs)
    const after = await written([...docs.slice(0, at), { id: `${docs[at - 1]!.id}+`, rows: 90 }, ...docs.slice(at)]) // sorts between its neighbours
    const sizes = rowGroupSizes(texts, textRows(docs), limits)
    expect(sizes.length).toBeGreaterThan(10)
    let untouched = 0
    for (let end = sizes[0]!; end <= at; end += sizes[untouched]!) untouched++
    expect(untouched).toBeGreaterThan(5)
    expect(after.digest.blocks.slice(0, untouched)).toEqual(before.digest.blocks.slice(0, untouched))
    // Every group but one or two holds the same rows as before: the same digest.
    const kept = before.digest.blocks.filter((block) => after.digest.blocks.includes(block)).length
    expect(before.digest.blocks.length - kept).toBeLessThanOrEqual(2)
    // The Parquet file is written a group at a time: the same bytes up to the first group that changed.
    const metadata = parquetMetadata(before.parquet.buffer.slice(before.parquet.byteOffset, before.parquet.byteOffset + before.parquet.byteLength))
    const firstChanged = metadata.row_groups[untouched]!.columns[0]!.file_offset
    const sameBytes = before.parquet.findIndex((byte, i) => after.parquet[i] !== byte)
    expect(BigInt(sameBytes)).toBeGreaterThanOrEqual(firstChanged)
  })
})
