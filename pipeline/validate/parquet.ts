// A Parquet file as records, for the format checks, read with publish/parquet.ts's own reader.
import { decodeParquet, parquetTypes } from "../publish/parquet.ts"
import type { TableReader } from "./formats.ts"

export const readParquet: TableReader = async (table, bytes) => {
  const { fields, records } = await decodeParquet(bytes)
  const names = fields.map((field) => field.name)
  return {
    fields,
    expectedTypes: parquetTypes(table),
    rows: records.length,
    records: records.map((record) => Object.fromEntries(names.map((name) => [name, record[name] ?? null])))
  }
}
