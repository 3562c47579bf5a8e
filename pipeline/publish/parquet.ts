// Parquet, for DuckDB, Spark, pandas, polars and most data tools. Written with hyparquet-writer from an
// explicit schema derived from the column kinds (never guessed from the data, so an empty or all-null
// column keeps its declared type), read back with hyparquet.
//
// Column kind → Parquet type (nullable columns OPTIONAL, the others REQUIRED):
//   string  → BYTE_ARRAY, logical type STRING (converted type UTF8); dictionary-encoded when the writer
//             finds it at least halves the column
//   id      → BYTE_ARRAY, logical type STRING, always dictionary-encoded (like the Arrow Dictionary)
//   integer → INT32
//   number  → DOUBLE
//   boolean → BOOLEAN
// Pages are Snappy-compressed (the writer's built-in pure-JS Snappy: deterministic, and read by every
// Parquet reader). The file's key-value metadata holds the table's name and description; created_by
// names no version and there are no timestamps, so the same rows give the same bytes.
import { parquetMetadata, parquetReadObjects, type SchemaElement } from "hyparquet"
import { parquetWriteBuffer, type ColumnSource } from "hyparquet-writer"
import type { ColumnMeta, Row, Table } from "../../schemas/table.ts"
import { checkRecords, type ReadbackProblem } from "./readback.ts"

/** Rows per row group: one group for tables of corpus size, bounded memory per group for large ones. */
const ROW_GROUP_SIZE = 100_000
const CREATED_BY = "discourse-pipeline (hyparquet-writer)"

const schemaElement = (name: string, meta: ColumnMeta): SchemaElement => {
  const repetition_type = meta.nullable ? "OPTIONAL" : "REQUIRED"
  switch (meta.kind) {
    case "string":
    case "id":
      return { name, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" }, repetition_type }
    case "integer":
      return { name, type: "INT32", repetition_type }
    case "number":
      return { name, type: "DOUBLE", repetition_type }
    case "boolean":
      return { name, type: "BOOLEAN", repetition_type }
  }
}

const parquetSchema = (table: Table<any>): Array<SchemaElement> => [
  { name: "root", num_children: table.columns.length },
  ...table.columns.map(({ name, meta }) => schemaElement(name, meta))
]

/** "BYTE_ARRAY/STRING", "INT32", …: the physical type, with the logical type where there is one. */
const typeLabel = (element: SchemaElement): string =>
  element.logical_type === undefined ? String(element.type) : `${element.type}/${element.logical_type.type}`

export const parquetTypes = (table: Table<any>): ReadonlyArray<string> =>
  table.columns.map(({ name, meta }) => typeLabel(schemaElement(name, meta)))

const columnData = <T extends Table<any>>(table: T, rows: ReadonlyArray<Row<T>>): Array<ColumnSource> =>
  table.columns.map(({ name, meta }) => ({
    name,
    data: rows.map((row) => (row as Record<string, unknown>)[name] ?? null),
    ...(meta.kind === "id" ? { encoding: "RLE_DICTIONARY" as const } : {})
  }))

export const encodeParquet = <T extends Table<any>>(table: T, rows: ReadonlyArray<Row<T>>): Uint8Array =>
  new Uint8Array(parquetWriteBuffer({
    columnData: columnData(table, rows),
    schema: parquetSchema(table),
    codec: "SNAPPY",
    rowGroupSize: ROW_GROUP_SIZE,
    kvMetadata: [{ key: "table", value: table.name }, { key: "description", value: table.description }],
    createdBy: CREATED_BY
  }))

export interface ParquetContent {
  readonly fields: ReadonlyArray<{ readonly name: string; readonly type: string; readonly nullable: boolean }>
  readonly records: ReadonlyArray<Record<string, unknown>>
}

export const decodeParquet = async (bytes: Uint8Array): Promise<ParquetContent> => {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  const metadata = parquetMetadata(file)
  // The first schema element is the root; published tables are flat, so the rest are the columns.
  const fields = metadata.schema.slice(1).map((element) => ({
    name: element.name,
    type: typeLabel(element),
    nullable: element.repetition_type !== "REQUIRED"
  }))
  const records = await parquetReadObjects({ file, metadata })
  return { fields, records: records.map((record) => ({ ...record })) }
}

const describeField = (field: { name: string; type: string; nullable: boolean }) =>
  `${field.name}:${field.type}${field.nullable ? " OPTIONAL" : ""}`

/** The same checks as checkArrow: schema, every record valid, and the rows meant, in order. Rows count from 0. */
export const checkParquet = async (
  table: Table<any>,
  file: string,
  bytes: Uint8Array,
  expected?: ReadonlyArray<Row<any>>
): Promise<ReadbackProblem | undefined> => {
  const { fields, records } = await decodeParquet(bytes)
  const types = parquetTypes(table)
  const actual = fields.map(describeField)
  const wanted = table.columns.map(({ name, meta }, i) => describeField({ name, type: types[i] ?? "", nullable: meta.nullable }))
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
    return { file, problem: `schema is ${actual.join(", ")}, expected ${wanted.join(", ")}` }
  }
  return checkRecords(table, file, records, expected, 0)
}
