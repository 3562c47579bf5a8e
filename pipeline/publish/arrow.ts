// Arrow IPC file format. Repeated identifiers and categories are dictionary-encoded; each field carries
// its codebook description as metadata, so downstream tools see what a column means.
import * as Arrow from "apache-arrow"
import type { ColumnKind, Row, Table } from "../../schemas/table.ts"
import type { FileSink, WrittenFile } from "./sink.ts"

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

/** A dictionary column's values, in the order they first appear. */
class DictionaryValues {
  readonly index = new Map<string, number>()
  readonly values: Array<string> = []

  add(value: unknown): void {
    if (typeof value === "string" && !this.index.has(value)) {
      this.index.set(value, this.values.length)
      this.values.push(value)
    }
  }
}

/**
 * A table's Arrow IPC file, written from the table's rows read twice, in order (publish reads them back
 * from the Parquet file), so that it streams and still has one dictionary per dictionary column: first
 * the dictionary columns' values only, to `collect` (each column's distinct values, numbered in the
 * order they first appear, as a whole-table encoder numbers them); then every row, to `writeRows`, each
 * call's rows one record batch (publish gives it the Parquet file's row groups), each column's complete
 * dictionary written once, before the first batch. No delta or replacement dictionaries: readers that support neither (polars, arrow-rs
 * before 2025) read the file too. Nothing is kept while the table's rows are being appended.
 */
export class ArrowTableWriter<T extends Table<any>> {
  private readonly schema: Arrow.Schema
  private readonly names: ReadonlyArray<string>
  private readonly dictionaries: ReadonlyArray<DictionaryValues | undefined>
  private output: ArrowOutput | undefined

  constructor(table: T, private readonly sink: FileSink) {
    this.schema = arrowSchema(table)
    this.names = this.schema.fields.map((field) => field.name)
    this.dictionaries = this.schema.fields.map((field) => (Arrow.DataType.isDictionary(field.type) ? new DictionaryValues() : undefined))
  }

  /** The dictionary columns, whose values `collect` takes. */
  get dictionaryColumns(): ReadonlyArray<string> {
    return this.names.filter((_, i) => this.dictionaries[i] !== undefined)
  }

  /** Takes the dictionary columns' values (in dictionaryColumns' order), all before any `writeRows`. */
  collect(rows: ReadonlyArray<ArrayLike<unknown>>): void {
    if (this.output !== undefined) throw new Error("dictionary values collected after writing started")
    const dictionaries = this.dictionaries.filter((dictionary) => dictionary !== undefined)
    for (const values of rows) {
      for (let i = 0; i < dictionaries.length; i++) dictionaries[i]!.add(values[i])
    }
  }

  /** Writes rows (their values in column order) as one record batch; the table's rows in order across the calls. */
  writeRows(rows: ReadonlyArray<ArrayLike<unknown>>): Promise<void> {
    this.output ??= new ArrowOutput(this.schema, this.dictionaries, this.sink)
    return this.output.writeRows(rows)
  }

  /** Finishes the file (a file of no rows has the schema and no batch). */
  async close(): Promise<WrittenFile> {
    this.output ??= new ArrowOutput(this.schema, this.dictionaries, this.sink)
    return this.output.close()
  }

  /** Stops writing after a failure; the file is left unfinished. */
  abandon(): void {
    this.output?.abandon()
    this.sink.abandon()
  }
}

/** The writing half of ArrowTableWriter: builders, the IPC file writer, and the pump to the sink. */
class ArrowOutput {
  private readonly writer = new Arrow.RecordBatchFileWriter()
  private readonly pumped: Promise<void>
  private failure: { readonly error: unknown } | undefined
  private readonly fields: Array<Arrow.Field>
  /** Per column: the complete dictionary, for dictionary columns. */
  private readonly dictionaryVectors: ReadonlyArray<Arrow.Vector<Arrow.Utf8> | undefined>
  private readonly lookups: ReadonlyArray<ReadonlyMap<string, number> | undefined>
  /** Dictionary columns build their indices, the others their values. */
  private readonly builders: ReadonlyArray<Arrow.Builder>
  constructor(
    private readonly schema: Arrow.Schema,
    dictionaries: ReadonlyArray<DictionaryValues | undefined>,
    private readonly sink: FileSink
  ) {
    this.fields = schema.fields
    this.dictionaryVectors = dictionaries.map((dictionary) =>
      dictionary === undefined ? undefined : Arrow.vectorFromArray(dictionary.values, new Arrow.Utf8())
    )
    this.lookups = dictionaries.map((dictionary) => dictionary?.index)
    this.builders = this.fields.map((field, i) =>
      Arrow.makeBuilder({ type: this.lookups[i] === undefined ? field.type : new Arrow.Int32(), nullValues: [null, undefined] })
    )
    this.writer.reset(undefined, schema) // starts the file even if no batch follows
    this.pumped = (async () => {
      for await (const chunk of this.writer) sink.write(chunk)
    })().catch((error: unknown) => {
      this.failure = { error }
    })
  }

  async writeRows(rows: ReadonlyArray<ArrayLike<unknown>>): Promise<void> {
    const { builders, lookups } = this
    for (const values of rows) {
      for (let i = 0; i < builders.length; i++) {
        const value = values[i]
        const lookup = lookups[i]
        if (lookup === undefined || value === null || value === undefined) builders[i]!.append(value)
        else {
          const index = lookup.get(value as string)
          if (index === undefined) throw new Error(`${this.fields[i]!.name}: ${JSON.stringify(value)} is not in the column's dictionary`)
          builders[i]!.append(index)
        }
      }
    }
    if (rows.length > 0) await this.writeBatch(rows.length)
  }

  async close(): Promise<WrittenFile> {
    this.writer.close() // footer, then the end of the byte stream
    await this.pumped
    this.rethrow()
    return this.sink.close()
  }

  abandon(): void {
    this.writer.abort()
  }

  private async writeBatch(length: number): Promise<void> {
    const children = this.builders.map((builder, i) => {
      const data = builder.flush()
      const dictionary = this.dictionaryVectors[i]
      if (dictionary === undefined) return data
      return Arrow.makeData({
        type: this.fields[i]!.type as Arrow.Dictionary<Arrow.Utf8, Arrow.Int32>,
        length: data.length,
        nullCount: data.nullCount,
        nullBitmap: data.nullBitmap,
        data: data.values as Int32Array,
        dictionary
      })
    })
    const data = Arrow.makeData({ type: new Arrow.Struct(this.fields), length, nullCount: 0, children })
    this.writer.write(new Arrow.RecordBatch(this.schema, data))
    // The bytes reach the sink through the pump, on microtasks: all there by the next macrotask.
    await new Promise<void>((resolve) => setImmediate(resolve))
    this.rethrow()
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure.error
  }
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
