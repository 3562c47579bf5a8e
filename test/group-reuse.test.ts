// Row groups taken from a table's previous files (pipeline/publish/group-reuse.ts): after documents are
// added, removed or changed, the files are those of writing every row afresh, byte for byte; most groups
// are taken as they were; and the files read back as holding exactly the rows appended.
import { mkdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { entities } from "../schemas/entities.ts"
import type { Row } from "../schemas/table.ts"
import { decodeCsv } from "../pipeline/publish/csv.ts"
import type { GroupIdentity, PreviousGroups } from "../pipeline/publish/group-reuse.ts"
import { rowChars, type RowGroupLimits } from "../pipeline/publish/row-groups.ts"
import { TableWriter, type WrittenTable } from "../pipeline/publish/table-writer.ts"
import { compareContent, readArrowContent, readCsvContent, TABLE_FORMATS, tableFile, verifyTableFile } from "../pipeline/publish/verify.ts"
import { projectRoot, tempDir } from "./support.ts"

type EntityRow = Row<typeof entities>

const seedEntities = decodeCsv(entities, readFileSync(join(projectRoot, "dist-data/seed-trump-putin-2025/1.0.0/csv/entities.csv"), "utf8")).records as Array<EntityRow>
const seedDocuments = [...new Set(seedEntities.map((row) => row.doc_id))]

/** A document of the synthetic corpus: its rows are a seed document's, under its own id; `variant` changes its text. */
interface Doc {
  readonly id: string
  readonly seed: number
  readonly variant: number
}

const rowsOf = (docs: ReadonlyArray<Doc>): Array<EntityRow> =>
  docs.flatMap(({ id, seed, variant }) => {
    const from = seedDocuments[seed % seedDocuments.length]!
    return seedEntities
      .filter((row) => row.doc_id === from)
      .map((row) => ({ ...row, doc_id: id, sentence_id: row.sentence_id.replace(from, id), surface: variant === 0 ? row.surface : `${row.surface} ${variant}` }))
  })

const corpus = (count: number): Array<Doc> => Array.from({ length: count }, (_, i) => ({ id: `doc-${String(i * 10).padStart(5, "0")}`, seed: (i * 7) % 5, variant: 0 }))

const limits: RowGroupLimits = { rows: 600, chars: 30_000 }

/** A document's key, as the per-document cache's: it changes with the document's content. */
const identity = (docs: ReadonlyArray<Doc>, context = "entities@test"): GroupIdentity => {
  const keys = new Map(docs.map((doc) => [doc.id, `${doc.id}/${doc.seed}/${doc.variant}`]))
  return { context, documentKey: (docId) => keys.get(docId) }
}

const names = entities.columns.map(({ name }) => name)

/**
 * The documents' rows written through a TableWriter: in chunks of rows, or (`byDocument`) a document
 * at a time, each read only if the writer asks (`reads` counts the documents read).
 */
const write = async (docs: ReadonlyArray<Doc>, reuse?: { identity: GroupIdentity; previous?: PreviousGroups }, byDocument = false) => {
  const dir = tempDir("group-reuse")
  for (const format of TABLE_FORMATS) mkdirSync(join(dir, format))
  const writer = new TableWriter(entities, dir, limits)
  if (reuse !== undefined) writer.keepGroups(reuse.identity, reuse.previous)
  let reads = 0
  if (byDocument) {
    for (const doc of docs) {
      const rows = rowsOf([doc])
      const chars = rows.reduce((sum, row) => sum + rowChars(row, names), 0)
      writer.appendDocument(doc.id, { rows: rows.length, chars }, () => {
        reads++
        return rows
      })
    }
  } else {
    const rows = rowsOf(docs)
    for (let start = 0; start < rows.length; start += 1000) writer.append(rows.slice(start, start + 1000))
  }
  const written = await writer.close()
  const bytes = Object.fromEntries(TABLE_FORMATS.map((format) => [format, readFileSync(join(dir, tableFile(entities, format)))]))
  return { dir, written, bytes, reads }
}

const previousOf = ({ dir, written }: { dir: string; written: WrittenTable }, context = "entities@test"): PreviousGroups => ({
  context,
  limits,
  digest: written.digest,
  groups: written.groups!,
  csvPath: join(dir, tableFile(entities, "csv")),
  parquetPath: join(dir, tableFile(entities, "parquet")),
  arrowPath: join(dir, tableFile(entities, "arrow"))
})

describe("row groups taken from a table's previous files", () => {
  const docs = corpus(240)
  const before = async () => write(docs, { identity: identity(docs) })
  // A document added between two others, one removed, one changed: each in a different group.
  const after: Array<Doc> = [
    ...docs.slice(0, 40),
    { id: `${docs[39]!.id}+`, seed: 3, variant: 0 },
    ...docs.slice(40, 120),
    ...docs.slice(121, 200),
    { ...docs[200]!, variant: 1 },
    ...docs.slice(201)
  ]

  it("give, with documents added, removed and changed, the files of writing every row afresh, most groups taken", async () => {
    const previous = await before()
    expect(previous.written.groups!.length).toBeGreaterThan(20)
    const fresh = await write(after)
    const reused = await write(after, { identity: identity(after), previous: previousOf(previous) })
    for (const format of TABLE_FORMATS) expect(reused.bytes[format]!.equals(fresh.bytes[format]!), format).toBe(true)
    expect(reused.written.digest).toEqual(fresh.written.digest)
    const groups = reused.written.groups!.length
    expect(reused.written.taken.length).toBeGreaterThanOrEqual(groups - 8)
    expect(reused.written.taken.length).toBeLessThan(groups)
  })

  it("give the same files when documents come whole, reading only the documents of the groups written anew", async () => {
    const previous = await before()
    const fresh = await write(after)
    const reused = await write(after, { identity: identity(after), previous: previousOf(previous) }, true)
    for (const format of TABLE_FORMATS) expect(reused.bytes[format]!.equals(fresh.bytes[format]!), format).toBe(true)
    const groups = reused.written.groups!
    const writtenAnew = groups.filter((_, i) => !reused.written.taken.some(({ index }) => index === i))
    const documentsAnew = writtenAnew.reduce((sum, group) => sum + group.documents.length, 0)
    expect(reused.reads).toBeGreaterThan(0)
    expect(reused.reads).toBeLessThanOrEqual(documentsAnew)
    expect(reused.reads).toBeLessThan(after.length / 4)
  })

  it("read back, whole or but the groups taken, as the rows appended", async () => {
    const previous = await before()
    const reused = await write(after, { identity: identity(after), previous: previousOf(previous) })
    const { digest, taken } = reused.written
    for (const format of TABLE_FORMATS) {
      expect(await verifyTableFile(entities, format, join(reused.dir, tableFile(entities, format)), digest), format).toBeUndefined()
    }
    const csv = await readCsvContent(entities, "csv/entities.csv", join(reused.dir, tableFile(entities, "csv")), { expected: digest, taken })
    expect(compareContent("csv/entities.csv", csv, digest, 2)).toBeUndefined()
    const arrow = await readArrowContent(entities, "arrow/entities.arrow", join(reused.dir, tableFile(entities, "arrow")), { expected: digest, taken })
    expect(compareContent("arrow/entities.arrow", arrow, digest, 0)).toBeUndefined()
  })

  it("are taken from the same rows made again only: none from files of another context or other limits", async () => {
    const previous = await before()
    const otherContext = await write(docs, { identity: identity(docs), previous: previousOf(previous, "entities@other-code") })
    expect(otherContext.written.taken).toHaveLength(0)
    const otherLimits = await write(docs, { identity: identity(docs), previous: { ...previousOf(previous), limits: { rows: 500, chars: 30_000 } } })
    expect(otherLimits.written.taken).toHaveLength(0)
    const same = await write(docs, { identity: identity(docs), previous: previousOf(previous) })
    expect(same.written.taken).toHaveLength(same.written.groups!.length)
    for (const format of TABLE_FORMATS) expect(same.bytes[format]!.equals(previous.bytes[format]!), format).toBe(true)
  })
})
