// The Parquet files, read back by hyparquet and by DuckDB, against the committed seed CSV files.
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api"
import { Result } from "effect"
import { publishedTables } from "../schemas/index.ts"
import { documents } from "../schemas/documents.ts"
import { texts } from "../schemas/texts.ts"
import type { ColumnKind, Row, Table } from "../schemas/table.ts"
import { decodeCsv } from "../pipeline/publish/csv.ts"
import { checkParquet, decodeParquet, encodeParquet, parquetTypes } from "../pipeline/publish/parquet.ts"
import { projectRoot, removeDir, tempDir } from "./support.ts"

const seedCsvDir = join(projectRoot, "dist-data/seed-trump-putin-2025/1.0.0/csv")

/** The seed CSV of a table, decoded and validated: the rows the pipeline published. */
const seedRows = (table: Table<any>): Array<Row<any>> =>
  decodeCsv(table, readFileSync(join(seedCsvDir, `${table.name}.csv`), "utf8")).records.map((record, index) => {
    const decoded = table.decodeRow(record)
    if (Result.isFailure(decoded)) throw new Error(`${table.name}.csv row ${index + 2} is invalid: ${decoded.failure.message}`)
    return decoded.success
  })

const duckdbTypes: Record<ColumnKind, string> = {
  string: "VARCHAR",
  id: "VARCHAR",
  integer: "INTEGER",
  number: "DOUBLE",
  boolean: "BOOLEAN"
}

/** DuckDB hands BIGINT back as bigint; everything these tables hold is a plain JS value otherwise. */
const fromDuckDB = (value: unknown): unknown => (typeof value === "bigint" ? Number(value) : value)

let dir: string
let instance: DuckDBInstance
let duckdb: DuckDBConnection

beforeAll(async () => {
  dir = tempDir("parquet")
  instance = await DuckDBInstance.create(":memory:")
  duckdb = await instance.connect()
})

afterAll(() => {
  duckdb.closeSync()
  instance.closeSync()
  removeDir(dir)
})

/** DuckDB reads Parquet from files, so the bytes go to a temp file first. */
const writeTemp = (name: string, bytes: Uint8Array): string => {
  const file = join(dir, `${name}.parquet`)
  writeFileSync(file, bytes)
  return file
}

const readWithDuckDB = async (file: string) => {
  const reader = await duckdb.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)
  return {
    columns: reader.columnNames(),
    types: reader.columnTypes().map(String),
    rows: reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, fromDuckDB(value)])))
  }
}

/** Per nullable column, how many fields of the raw CSV are empty. */
const emptyCsvFields = (table: Table<any>): Record<string, number> => {
  const nullable = table.columns.filter(({ meta }) => meta.nullable).map(({ name }) => name)
  const { records } = decodeCsv(table, readFileSync(join(seedCsvDir, `${table.name}.csv`), "utf8"))
  return Object.fromEntries(nullable.map((name) => [name, records.filter((record) => record[name] === null).length]))
}

const duckdbNullCounts = async (table: Table<any>, file: string): Promise<Record<string, number>> => {
  const nullable = table.columns.filter(({ meta }) => meta.nullable).map(({ name }) => name)
  if (nullable.length === 0) return {}
  const counts = nullable.map((name) => `count(*) FILTER (WHERE "${name}" IS NULL) AS "${name}"`).join(", ")
  const reader = await duckdb.runAndReadAll(`SELECT ${counts} FROM read_parquet('${file}')`)
  const [row = {}] = reader.getRowObjectsJS()
  return Object.fromEntries(Object.entries(row).map(([name, count]) => [name, Number(count)]))
}

const expectedFields = (table: Table<any>) =>
  table.columns.map(({ name, meta }, i) => ({ name, type: parquetTypes(table)[i], nullable: meta.nullable }))

describe("parquet types", () => {
  it("follow the column kinds", () => {
    const kinds = new Map<ColumnKind, string>()
    for (const table of publishedTables) {
      table.columns.forEach(({ meta }, i) => kinds.set(meta.kind, parquetTypes(table)[i]!))
    }
    expect(Object.fromEntries(kinds)).toEqual({
      string: "BYTE_ARRAY/STRING",
      id: "BYTE_ARRAY/STRING",
      integer: "INT32",
      number: "DOUBLE",
      boolean: "BOOLEAN"
    })
  })
})

for (const table of publishedTables) {
  describe(`${table.name}.parquet`, () => {
    const rows = seedRows(table)
    const bytes = encodeParquet(table, rows)

    it("reads back with hyparquet as the CSV rows, with the declared schema", async () => {
      const { fields, records } = await decodeParquet(bytes)
      expect(fields).toEqual(expectedFields(table))
      expect(records).toEqual(rows)
      expect(await checkParquet(table, `parquet/${table.name}.parquet`, bytes, rows)).toBeUndefined()
    })

    it("reads back with DuckDB as the CSV rows, with DuckDB types and NULLs for missing values", async () => {
      const file = writeTemp(table.name, bytes)
      const { columns, types, rows: duckRows } = await readWithDuckDB(file)
      expect(columns).toEqual(table.columns.map(({ name }) => name))
      expect(types).toEqual(table.columns.map(({ meta }) => duckdbTypes[meta.kind]))
      expect(duckRows).toEqual(rows)
      expect(await duckdbNullCounts(table, file)).toEqual(emptyCsvFields(table))
    })

    it("is the same bytes when encoded twice", () => {
      expect(encodeParquet(table, rows)).toEqual(bytes)
    })

    it("keeps its schema with no rows", async () => {
      const empty = encodeParquet(table, [])
      const { fields, records } = await decodeParquet(empty)
      expect(fields).toEqual(expectedFields(table))
      expect(records).toEqual([])
      const { columns, types, rows: duckRows } = await readWithDuckDB(writeTemp(`${table.name}-empty`, empty))
      expect(columns).toEqual(table.columns.map(({ name }) => name))
      expect(types).toEqual(table.columns.map(({ meta }) => duckdbTypes[meta.kind]))
      expect(duckRows).toEqual([])
    })
  })
}

describe("checkParquet", () => {
  const rows = seedRows(documents)
  const bytes = encodeParquet(documents, rows)

  it("catches a row that differs from the row meant", async () => {
    const altered = rows.map((row, index) => (index === 2 ? { ...row, title: `${String(row.title)}!` } : row))
    expect(await checkParquet(documents, "parquet/documents.parquet", bytes, altered))
      .toEqual({ file: "parquet/documents.parquet", row: 2, problem: "differs from the row the pipeline produced" })
  })

  it("catches a missing row", async () => {
    expect(await checkParquet(documents, "parquet/documents.parquet", bytes, rows.slice(1)))
      .toMatchObject({ problem: `has ${rows.length} rows, expected ${rows.length - 1}` })
  })

  it("catches a file of another table", async () => {
    expect(await checkParquet(texts, "parquet/texts.parquet", bytes))
      .toMatchObject({ file: "parquet/texts.parquet", problem: expect.stringMatching(/^schema is doc_id:BYTE_ARRAY\/STRING, /) })
  })

  it("catches a record the schema rejects", async () => {
    const invalid = encodeParquet(documents, rows.map((row, index) => (index === 1 ? { ...row, n_tokens: -1 } : row)))
    expect(await checkParquet(documents, "parquet/documents.parquet", invalid))
      .toMatchObject({ row: 1, column: "n_tokens" })
  })
})
