// Row groups taken from a table's previous files (pipeline/publish/group-reuse.ts): after documents are
// added, removed or changed, the files are those of writing every row afresh, byte for byte; most groups
// are taken as they were; and the files read back as holding exactly the rows appended.
import { mkdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { entities } from "../schemas/entities.ts"
import { entitySalience } from "../schemas/entity_salience.ts"
import type { Row, Table } from "../schemas/table.ts"
import { decodeCsv } from "../pipeline/publish/csv.ts"
import { contentKey, type GroupIdentity, type GroupPlace, type PreviousGroups } from "../pipeline/publish/group-reuse.ts"
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

/** A table's files as written, as the previous files a later writer takes groups from. */
const previousOf = ({ dir, written }: { dir: string; written: WrittenTable }, context = "entities@test", table: Table<any> = entities): PreviousGroups => ({
  context,
  limits,
  digest: written.digest,
  groups: written.groups!,
  csvPath: join(dir, tableFile(table, "csv")),
  parquetPath: join(dir, tableFile(table, "parquet")),
  arrowPath: join(dir, tableFile(table, "arrow"))
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
    // the taken groups' dictionary values are gathered from the indices kept with them, or else from their record batches
    expect(previous.written.groups!.every((group) => group.dictionaryIndices?.length === 6)).toBe(true)
    const withoutIndices = previousOf(previous)
    const unindexed = await write(after, { identity: identity(after), previous: { ...withoutIndices, groups: withoutIndices.groups.map(({ dictionaryIndices: _, ...place }) => place) } })
    for (const format of TABLE_FORMATS) expect(unindexed.bytes[format]!.equals(fresh.bytes[format]!), format).toBe(true)
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

describe("row groups of a table whose units are groups of documents", () => {
  type SalienceRow = Row<typeof entitySalience>
  const seedSalience = decodeCsv(entitySalience, readFileSync(join(projectRoot, "dist-data/seed-trump-putin-2025/1.0.0/csv/entity_salience.csv"), "utf8")).records as Array<SalienceRow>
  const templates = [...new Set(seedSalience.filter((row) => row.group_by === "document").map((row) => row.group))]
  const rowsOfUnit = (group_by: SalienceRow["group_by"], group: string, template: number, change = 0): Array<SalienceRow> =>
    seedSalience
      .filter((row) => row.group_by === "document" && row.group === templates[template % templates.length])
      .map((row) => ({ ...row, group_by, group, mentions: row.mentions + change }))
  /** Camps, countries, then documents and outlets: the table's order. */
  const table = (documents: ReadonlyArray<string>, changedOutlet = -1, changedDocument = ""): Array<SalienceRow> => [
    ...["ru", "third-country", "ua"].flatMap((camp, i) => rowsOfUnit("camp", camp, i)),
    ...["MY", "UA", "VN"].flatMap((country, i) => rowsOfUnit("country", country, i + 1)),
    ...documents.flatMap((docId) => rowsOfUnit("document", docId, Number(docId.slice(4)), docId === changedDocument ? 1 : 0)),
    ...["o1", "o2", "o3", "o4"].flatMap((outlet, i) => rowsOfUnit("outlet", outlet, i, i === changedOutlet ? 2 : 0))
  ]
  const contentKeyed: GroupIdentity = { context: "entity_salience@test", documentKey: () => undefined }
  const salienceNames = entitySalience.columns.map(({ name }) => name)

  const writeSalience = async (rows: ReadonlyArray<SalienceRow>, previous?: PreviousGroups) => {
    const dir = tempDir("unit-reuse")
    for (const format of TABLE_FORMATS) mkdirSync(join(dir, format))
    const writer = new TableWriter(entitySalience, dir, limits)
    writer.keepGroups(contentKeyed, previous)
    for (let start = 0; start < rows.length; start += 700) writer.append(rows.slice(start, start + 700))
    const written = await writer.close()
    const bytes = Object.fromEntries(TABLE_FORMATS.map((format) => [format, readFileSync(join(dir, tableFile(entitySalience, format)))]))
    return { written, bytes, previousFiles: previousOf({ dir, written }, contentKeyed.context, entitySalience), dir }
  }

  it("give, with a unit added and two changed, the files of writing every row afresh; the groups of unchanged units are taken", async () => {
    const documents = Array.from({ length: 300 }, (_, i) => `doc-${String(i * 10).padStart(5, "0")}`)
    const previous = await writeSalience(table(documents))
    expect(previous.written.groups!.length).toBeGreaterThan(15)
    const grown = [...documents.slice(0, 150), "doc-01495", ...documents.slice(150)]
    const rows = table(grown, 2, documents[40])
    const fresh = await writeSalience(rows)
    const reused = await writeSalience(rows, previous.previousFiles)
    for (const format of TABLE_FORMATS) expect(reused.bytes[format]!.equals(fresh.bytes[format]!), format).toBe(true)
    expect(reused.written.digest).toEqual(fresh.written.digest)
    const groups = reused.written.groups!.length
    expect(reused.written.taken.length).toBeGreaterThanOrEqual(groups - 8)
    expect(reused.written.taken.length).toBeLessThan(groups)
    // every group's units are known by their rows: a unit's key is the digest of its rows
    const keys = reused.written.groups!.flatMap((group) => group.documents.map((unit) => unit.key))
    expect(keys).toContain(contentKey(rowsOfUnit("outlet", "o1", 0), salienceNames))
    const { digest, taken } = reused.written
    const csv = await readCsvContent(entitySalience, "csv/entity_salience.csv", join(reused.dir, tableFile(entitySalience, "csv")), { expected: digest, taken })
    expect(compareContent("csv/entity_salience.csv", csv, digest, 2)).toBeUndefined()
  })

  it("close between units: a group starts inside a unit only after a group that filled up", async () => {
    const documents = Array.from({ length: 300 }, (_, i) => `doc-${String(i * 10).padStart(5, "0")}`)
    const { written } = await writeSalience(table(documents))
    const groups = written.groups!
    const rowsOf = (group: GroupPlace) => group.documents.reduce((sum, unit) => sum + unit.rows, 0)
    groups.forEach((group, i) => {
      if (group.documents[0]!.start > 0) expect(rowsOf(groups[i - 1]!)).toBe(limits.rows)
    })
    expect(groups.filter((group) => group.documents[0]!.start === 0).length).toBeGreaterThan(groups.length / 2)
  })

  it("a unit's key tells apart what the files tell apart", () => {
    const [row] = rowsOfUnit("outlet", "o1", 0)
    const keyOf = (changes: Partial<SalienceRow>) => contentKey([{ ...row!, ...changes }], salienceNames)
    expect(keyOf({ share: 0 })).not.toBe(keyOf({ share: -0 }))
    expect(keyOf({ canonical: "1" })).not.toBe(keyOf({ canonical: 1 as unknown as string }))
    expect(keyOf({ canonical: "a,b" })).not.toBe(keyOf({ canonical: "a", entity_id: `b,${row!.entity_id}` }))
  })
})
