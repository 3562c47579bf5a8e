// Arrow IPC file format. Repeated identifiers and categories are dictionary-encoded; each field carries
// its codebook description as metadata, so downstream tools see what a column means.
import * as Arrow from "apache-arrow"
import type { ColumnKind, Row, Table } from "../../schemas/table.ts"

// apache-arrow numbers dictionaries from a process-wide counter unless told otherwise; the column's
// position is given instead, so the bytes do not depend on what else the process has written.
const arrowType = (kind: ColumnKind, position: number): Arrow.DataType => {
  switch (kind) {
    case "string":
      return new Arrow.Utf8()
    case "id":
      return new Arrow.Dictionary(new Arrow.Utf8(), new Arrow.Int32(), position)
    case "integer":
      return new Arrow.Int32()
    case "number":
      return new Arrow.Float64()
    case "boolean":
      return new Arrow.Bool()
  }
}

export const arrowSchema = (table: Table<any>): Arrow.Schema =>
  new Arrow.Schema(
    table.columns.map(({ name, meta }, position) =>
      new Arrow.Field(name, arrowType(meta.kind, position), meta.nullable, new Map([["description", meta.description]]))
    ),
    new Map([["table", table.name], ["description", table.description]])
  )

export const encodeArrow = <T extends Table<any>>(table: T, rows: ReadonlyArray<Row<T>>): Uint8Array => {
  const schema = arrowSchema(table)
  const vectors = Object.fromEntries(
    schema.fields.map((field) => [
      field.name,
      Arrow.vectorFromArray(rows.map((row) => (row as Record<string, unknown>)[field.name] ?? null), field.type)
    ])
  )
  const built = new Arrow.Table(vectors)
  const batches = built.batches.map((batch) => new Arrow.RecordBatch(schema, batch.data))
  return Arrow.tableToIPC(new Arrow.Table(schema, batches), "file")
}

export interface ArrowContent {
  readonly fields: ReadonlyArray<{ readonly name: string; readonly type: string; readonly nullable: boolean }>
  readonly records: ReadonlyArray<Record<string, unknown>>
}

export const decodeArrow = (bytes: Uint8Array): ArrowContent => {
  const table = Arrow.tableFromIPC(bytes)
  return {
    fields: table.schema.fields.map((field) => ({ name: field.name, type: String(field.type), nullable: field.nullable })),
    records: table.toArray().map((row) => ({ ...(row.toJSON() as Record<string, unknown>) }))
  }
}

export const expectedArrowTypes = (table: Table<any>): ReadonlyArray<string> =>
  arrowSchema(table).fields.map((field) => String(field.type))
