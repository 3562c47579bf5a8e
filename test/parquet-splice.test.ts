// A Parquet file built partly from row groups written before into another file (their bytes taken as
// they are, their offsets moved) is the file that writing all its rows gives, byte for byte.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { parquetMetadata, parquetReadObjects } from "hyparquet"
import { texts } from "../schemas/texts.ts"
import { tokens } from "../schemas/tokens.ts"
import type { Row, Table } from "../schemas/table.ts"
import { decodeCsv } from "../pipeline/publish/csv.ts"
import { ParquetTableWriter, type WrittenRowGroup } from "../pipeline/publish/parquet.ts"
import { FileSink } from "../pipeline/publish/sink.ts"
import { projectRoot, tempDir } from "./support.ts"

type TokenRow = Row<typeof tokens>

const seedTokens = (): Array<TokenRow> =>
  decodeCsv(tokens, readFileSync(join(projectRoot, "dist-data/seed-trump-putin-2025/1.0.0/csv/tokens.csv"), "utf8")).records as Array<TokenRow>

/** How a part of the new file is made: rows written as a group, or a group of the old file taken. */
type Part<R = TokenRow> = { readonly rows: ReadonlyArray<R> } | { readonly taken: WrittenRowGroup }

/** A table's Parquet file (tokens unless told) made of the parts, in order; `old` holds the groups taken. */
const writeParts = <T extends Table<any> = typeof tokens>(parts: ReadonlyArray<Part<Row<T>>>, old?: Uint8Array, table: T = tokens as unknown as T) => {
  const path = join(tempDir("splice"), `${table.name}.parquet`)
  const writer = new ParquetTableWriter(table, new FileSink(path))
  for (const part of parts) {
    if ("rows" in part) {
      writer.append(part.rows)
      writer.endGroup()
    } else writer.appendWrittenGroup(old!.subarray(part.taken.start, part.taken.end), part.taken)
  }
  writer.close()
  return { bytes: readFileSync(path), groups: writer.groups }
}

/** The rows cut into groups of `size`. */
const groupsOf = (rows: ReadonlyArray<TokenRow>, size: number) =>
  Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size))

describe("a Parquet file that takes row groups of another", () => {
  const rows = seedTokens()
  const groups = groupsOf(rows, 700)
  const old = writeParts(groups.map((group) => ({ rows: group })))

  it("records where each group it wrote lies, and what its footer says of it", () => {
    expect(old.groups).toHaveLength(groups.length)
    const metadata = parquetMetadata(old.bytes.buffer.slice(old.bytes.byteOffset, old.bytes.byteOffset + old.bytes.byteLength))
    old.groups.forEach((group, i) => {
      expect(group.rowGroup.num_rows).toBe(BigInt(groups[i]!.length))
      expect(metadata.row_groups[i]!.columns[0]!.file_offset).toBe(group.rowGroup.columns[0]!.file_offset)
      expect(group.end).toBe(old.groups[i + 1]?.start ?? group.end)
    })
    expect(old.groups[0]!.start).toBe(4) // after the magic number
  })

  it("is, with one group written anew, the file of all its rows", () => {
    const altered = groups.map((group, i) => (i === 2 ? group.map((row) => ({ ...row, lemma: `${row.lemma}~` })) : group))
    const spliced = writeParts(altered.map((group, i) => (i === 2 ? { rows: group } : { taken: old.groups[i]! })), old.bytes)
    const whole = writeParts(altered.map((group) => ({ rows: group })))
    expect(spliced.bytes.equals(whole.bytes)).toBe(true)
    expect(spliced.groups).toEqual(whole.groups)
  })

  it("is, with groups left out and one added before them, the file of all its rows, read back as them", async () => {
    const added = groups[0]!.slice(0, 50).map((row) => ({ ...row, doc_id: `${row.doc_id}-new` }))
    const kept = groups.slice(3)
    const spliced = writeParts([{ rows: added }, ...kept.map((_, i) => ({ taken: old.groups[i + 3]! }))], old.bytes)
    const whole = writeParts([added, ...kept].map((group) => ({ rows: group })))
    expect(spliced.bytes.equals(whole.bytes)).toBe(true)
    const file = spliced.bytes.buffer.slice(spliced.bytes.byteOffset, spliced.bytes.byteOffset + spliced.bytes.byteLength)
    const read = await parquetReadObjects({ file })
    expect(read.map((row) => row["lemma"])).toEqual([added, ...kept].flat().map((row) => row.lemma))
  })

  it("refuses bytes that are not the group's size", () => {
    const writer = new ParquetTableWriter(tokens, new FileSink(join(tempDir("splice"), "tokens.parquet")))
    const group = old.groups[1]!
    expect(() => writer.appendWrittenGroup(old.bytes.subarray(group.start, group.end - 1), group)).toThrow(/was given/)
    writer.abandon()
  })
})

describe("a Parquet file that takes row groups of many pages", () => {
  it("moves their page locations too: the file of all its rows", () => {
    const text = (doc: number) => Array.from({ length: 80_000 }, (_, i) => `w${(i * 7 + doc) % 1000}`).join(" ")
    const groups = [0, 1, 2].map((group) => Array.from({ length: 4 }, (_, i) => ({ doc_id: `d${group}${i}`, text_clean: text(group * 4 + i) })))
    const write = (parts: ReadonlyArray<Part<Row<typeof texts>>>, old?: Uint8Array) => writeParts(parts, old, texts)
    const old = write(groups.map((rows) => ({ rows })))
    expect(old.groups[1]!.indexes[1]!.offsetIndex!.page_locations.length).toBeGreaterThan(1) // text_clean: several pages
    const added = [{ doc_id: "a0", text_clean: "short" }]
    const spliced = write([{ rows: added }, { taken: old.groups[1]! }, { taken: old.groups[2]! }], old.bytes)
    const whole = write([{ rows: added }, { rows: groups[1]! }, { rows: groups[2]! }])
    expect(spliced.bytes.equals(whole.bytes)).toBe(true)
  })
})
