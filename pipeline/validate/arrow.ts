// An Arrow IPC file as records, for the format checks.
import * as Arrow from "apache-arrow"
import { expectedArrowTypes } from "../publish/arrow.ts"
import type { TableReader } from "./formats.ts"
import type { Values } from "./rows.ts"

const CHUNK_ROWS = 65_536

/**
 * The records of an Arrow table in order. Columns are read a chunk of rows at a time: much faster than
 * apache-arrow's row proxies, without materialising a whole column of a table with millions of rows.
 */
function* recordsOf(arrow: Arrow.Table, names: ReadonlyArray<string>): Generator<Values> {
  for (const batch of arrow.batches) {
    for (let begin = 0; begin < batch.numRows; begin += CHUNK_ROWS) {
      const end = Math.min(begin + CHUNK_ROWS, batch.numRows)
      const columns = names.map((name) => [...(batch.getChild(name)?.slice(begin, end) ?? [])] as Array<unknown>)
      for (let index = 0; index < end - begin; index++) {
        const record: Record<string, unknown> = {}
        for (const [column, name] of names.entries()) record[name] = columns[column]![index] ?? null
        yield record
      }
    }
  }
}

export const readArrow: TableReader = async (table, bytes) => {
  const arrow = Arrow.tableFromIPC(bytes)
  // apache-arrow reads bytes that are not Arrow at all as a table without columns
  if (arrow.schema.fields.length === 0) throw new Error("no schema")
  return {
    fields: arrow.schema.fields.map((field) => ({ name: field.name, type: String(field.type), nullable: field.nullable })),
    expectedTypes: expectedArrowTypes(table),
    rows: arrow.numRows,
    records: recordsOf(arrow, arrow.schema.fields.map((field) => field.name))
  }
}
