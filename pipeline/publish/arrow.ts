// Arrow IPC file format. Repeated identifiers and categories are dictionary-encoded; each field carries
// its codebook description as metadata, so downstream tools see what a column means.
import * as Arrow from "apache-arrow"
import type { ColumnKind, Row, Table } from "../../schemas/table.ts"
import type { TableLayout } from "./layout.ts"
import type { ColumnChunks } from "./parquet.ts"
import type { FileSink, WrittenFile } from "./sink.ts"
import { Utf8Dictionary } from "./utf8-dictionary.ts"

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

export const arrowSchema = (table: TableLayout): Arrow.Schema =>
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

/**
 * A dictionary column's values, numbered in the order they first appear in the table, gathered a row
 * group at a time, as their UTF-8 bytes (utf8-dictionary.ts). For each group it also keeps where the
 * group's own distinct values (in the order they first appear in the group) are in the table's
 * dictionary, so that a record batch is indexed through a lookup of its group's values only: no
 * table-wide lookup of strings is ever kept (a sentence_id per sentence).
 */
class DictionaryValues {
  private dictionary: Utf8Dictionary | undefined = new Utf8Dictionary()
  /** Per row group: the dictionary index of each of the group's distinct values. */
  private readonly groups: Array<Int32Array> = []

  /** A row group's values: new ones are added to the dictionary. */
  addGroup(values: ArrayLike<unknown>, rows: number): void {
    const dictionary = this.dictionary
    if (dictionary === undefined) throw new Error("dictionary values added after the dictionary was written")
    const positions: Array<number> = []
    for (const value of distinctStrings(values, rows)) positions.push(dictionary.positionOf(value))
    this.groups.push(Int32Array.from(positions))
  }

  /**
   * A row group taken from a previous file of the table: its distinct indices into that file's
   * dictionary, `known` holding (by that index) where each value already found is in this dictionary
   * (-1 where not yet), so that a value is decoded and looked up once for all the groups taken.
   */
  addTaken(indices: Int32Array, known: Int32Array, valueOf: (index: number) => string): void {
    const dictionary = this.dictionary
    if (dictionary === undefined) throw new Error("dictionary values added after the dictionary was written")
    const positions = new Int32Array(indices.length)
    indices.forEach((index, k) => {
      let position = known[index]!
      if (position < 0) {
        position = dictionary.positionOf(valueOf(index))
        known[index] = position
      }
      positions[k] = position
    })
    this.groups.push(positions)
  }

  /** The dictionary, as the vector the file holds. Once. */
  take(): Arrow.Vector<Arrow.Utf8> {
    const dictionary = this.dictionary
    if (dictionary === undefined) throw new Error("dictionary taken twice")
    this.dictionary = undefined
    return dictionary.vector()
  }

  /** Where row group `group`'s distinct values (in the order they first appear in it) are in the dictionary. */
  positions(group: number): Int32Array {
    const positions = this.groups[group]
    if (positions === undefined) throw new Error(`no dictionary values were gathered for row group ${group}`)
    return positions
  }

  /** The dictionary index of each value of row group `group` (which must be the values it was given). */
  lookup(group: number, values: ArrayLike<unknown>, rows: number): Map<string, number> {
    const positions = this.groups[group]
    const changed = () => new Error(`row group ${group} holds other values than when its dictionary values were gathered`)
    const lookup = new Map<string, number>()
    for (const value of distinctStrings(values, rows)) {
      const position = positions?.[lookup.size]
      if (position === undefined) throw changed()
      lookup.set(value, position)
    }
    if (lookup.size !== positions?.length) throw changed()
    return lookup
  }
}

/** The distinct strings among the first `rows` values, in the order they first appear. */
function* distinctStrings(values: ArrayLike<unknown>, rows: number): Generator<string> {
  const seen = new Set<string>()
  let previous: unknown
  for (let row = 0; row < rows; row++) {
    const value = values[row]
    if (value === previous || typeof value !== "string") continue // runs of one value are common (doc_id, sentence_id)
    previous = value
    if (seen.has(value)) continue
    seen.add(value)
    yield value
  }
}

/**
 * A table's Arrow IPC file, written from the table's rows read twice, in order (publish reads them back
 * from the Parquet file, a row group's columns at a time), so that it streams and still has one
 * dictionary per dictionary column: first the dictionary columns' values only, to `collect` (each
 * column's distinct values, numbered in the order they first appear, as a whole-table encoder numbers
 * them); then every column, to `writeColumns`, each call's rows one record batch (publish gives it the
 * Parquet file's row groups), each column's complete dictionary written once, before the first batch. No delta or replacement dictionaries: readers that support neither (polars, arrow-rs
 * before 2025) read the file too. Nothing is kept while the table's rows are being appended.
 */
export class ArrowTableWriter<T extends Table<any>> {
  private readonly schema: Arrow.Schema
  private readonly names: ReadonlyArray<string>
  /** Dropped once the file is finished: they grow with the table (a sentence_id per sentence). */
  private dictionaries: ReadonlyArray<DictionaryValues | undefined>
  private output: ArrowOutput | undefined
  private finished = false
  /** Per batch given to collectTaken, in turn: each dictionary column's distinct indices, for writeTaken. */
  private takenIndices: Array<ReadonlyArray<Int32Array | undefined>> = []
  private readonly marks = new IndexMarks()
  /** Per dictionary column: where each value of the previous file's dictionary is in this file's (-1: not found yet). */
  private takenPositions: Array<Int32Array | undefined> = []

  constructor(table: T, private readonly sink: FileSink) {
    this.schema = arrowSchema(table)
    this.names = this.schema.fields.map((field) => field.name)
    this.dictionaries = this.schema.fields.map((field) => (Arrow.DataType.isDictionary(field.type) ? new DictionaryValues() : undefined))
  }

  /** The dictionary columns, whose values `collect` takes. */
  get dictionaryColumns(): ReadonlyArray<string> {
    return this.names.filter((_, i) => Arrow.DataType.isDictionary(this.schema.fields[i]!.type))
  }

  /**
   * Takes the dictionary columns' values (in dictionaryColumns' order) of one row group, all groups
   * before any `writeColumns`, which must then be given the same groups in the same order.
   */
  collect({ columns, rows }: ColumnChunks): void {
    if (this.output !== undefined || this.finished) throw new Error("dictionary values collected after writing started")
    if (rows === 0) return
    const dictionaries = this.dictionaries.filter((dictionary) => dictionary !== undefined)
    for (let i = 0; i < dictionaries.length; i++) dictionaries[i]!.addGroup(columns[i]!, rows)
  }

  /**
   * Takes the dictionary columns' values of one row group from a record batch of a previous file of the
   * table (its dictionary indices point into that file's dictionaries), in turn with `collect`.
   */
  collectTaken(batch: Arrow.RecordBatch): void {
    if (this.output !== undefined || this.finished) throw new Error("dictionary values collected after writing started")
    this.takenIndices.push(this.dictionaries.map((dictionary, i) => {
      if (dictionary === undefined) return undefined
      const data = dictionaryData(batch, i)
      const indices = this.marks.distinct(data)
      dictionary.addTaken(indices, this.knownPositions(i, data.dictionary?.length ?? 0), (index) => data.dictionary!.get(index) as string)
      return indices
    }))
  }

  /**
   * collectTaken, for a record batch whose dictionary columns' distinct indices (`distinct`, in
   * dictionaryColumns' order, as `groupIndices` gave them) are known: its values are read from the
   * previous file's dictionaries (`dictionaryOf`, by column position), not from the batch.
   */
  collectTakenIndices(distinct: ReadonlyArray<Int32Array>, dictionaryOf: (column: number) => Arrow.Vector | undefined): void {
    if (this.output !== undefined || this.finished) throw new Error("dictionary values collected after writing started")
    let d = 0
    this.takenIndices.push(this.dictionaries.map((dictionary, i) => {
      if (dictionary === undefined) return undefined
      const indices = distinct[d++]
      const values = dictionaryOf(i)
      if (indices === undefined || values === undefined) throw new Error(`the dictionary indices or the dictionary of column ${i} of a group taken are missing`)
      dictionary.addTaken(indices, this.knownPositions(i, values.length), (index) => {
        if (index < 0 || index >= values.length) throw new Error(`a group taken has dictionary index ${index}, beyond its dictionary of ${values.length} values`)
        return values.get(index) as string
      })
      return indices
    }))
  }

  /** Per row group, in order, its dictionary columns' distinct indices (GroupPlace.dictionaryIndices); before close. */
  groupIndices(groups: number): Array<ReadonlyArray<Int32Array>> {
    const dictionaries = this.dictionaries.filter((dictionary) => dictionary !== undefined)
    return Array.from({ length: groups }, (_, group) => dictionaries.map((dictionary) => dictionary.positions(group)))
  }

  /** Column i's positions in this file's dictionary of the previous file's values (-1: not found yet), for a dictionary of `size`. */
  private knownPositions(i: number, size: number): Int32Array {
    let known = this.takenPositions[i]
    if (known === undefined || known.length !== size) {
      known = new Int32Array(size).fill(-1)
      this.takenPositions[i] = known
    }
    return known
  }

  /** Writes rows, given as every column's values, as one record batch; the table's rows in order across the calls. */
  writeColumns(chunks: ColumnChunks): Promise<void> {
    return this.started().writeColumns(chunks)
  }

  /**
   * Writes a record batch of a previous file of the table, given to `collectTaken` in its turn, as it
   * is but for its dictionary indices, which are numbered into this file's dictionaries.
   */
  writeTaken(batch: Arrow.RecordBatch): Promise<void> {
    const distinct = this.takenIndices.shift()
    if (distinct === undefined) throw new Error("a record batch taken was not given to collectTaken first")
    return this.started().writeTaken(batch, distinct, this.marks)
  }

  /** Finishes the file (a file of no rows has the schema and no batch), then lets go of the dictionaries. */
  async close(): Promise<WrittenFile> {
    const written = await this.started().close()
    this.finished = true
    this.output = undefined
    this.dictionaries = []
    this.takenIndices = []
    this.takenPositions = []
    return written
  }

  /** Stops writing after a failure; the file is left unfinished. */
  abandon(): void {
    this.output?.abandon()
    this.sink.abandon()
  }

  private started(): ArrowOutput {
    if (this.finished) throw new Error("Arrow file written to after it was finished")
    this.output ??= new ArrowOutput(this.schema, this.dictionaries, this.sink)
    return this.output
  }
}

/** A dictionary column of a record batch read from a file: one Data, its dictionary with it. */
const dictionaryData = (batch: Arrow.RecordBatch, column: number): Arrow.Data<Arrow.Dictionary<Arrow.Utf8, Arrow.Int32>> => {
  const vector = batch.getChildAt(column)
  const data = vector?.data[0]
  if (vector === null || vector.data.length !== 1 || data === undefined || data.dictionary === undefined) throw new Error(`column ${column} of a record batch read back is not one dictionary-encoded chunk`)
  return data as Arrow.Data<Arrow.Dictionary<Arrow.Utf8, Arrow.Int32>>
}

/**
 * A mark per dictionary index of a previous file's record batches, reused from batch to batch: an index
 * is marked in the current batch when its mark is the batch's stamp (a Set per batch cost more than
 * the rest of taking it), with the index's new number beside it.
 */
class IndexMarks {
  private marks = new Int32Array(0)
  private numbers = new Int32Array(0)
  private stamp = 0

  /** A new stamp, for a batch whose dictionary has `size` values. */
  private start(size: number): number {
    if (this.marks.length < size) {
      this.marks = new Int32Array(Math.max(size, 2 * this.marks.length))
      this.numbers = new Int32Array(this.marks.length)
      this.stamp = 0
    }
    return ++this.stamp
  }

  /** The dictionary indices a column's rows use (none for a null), each once, in the order they first appear. */
  distinct(data: Arrow.Data<Arrow.Dictionary<Arrow.Utf8, Arrow.Int32>>): Int32Array {
    const indices = data.values as Int32Array
    const size = data.dictionary?.length ?? 0
    const stamp = this.start(size)
    const marks = this.marks
    const found: Array<number> = []
    const hasNulls = data.nullCount > 0
    let previous = -1
    for (let row = 0; row < data.length; row++) {
      const index = indices[row]!
      if (index === previous || (hasNulls && !data.getValid(row))) continue // runs of one value are common (doc_id, sentence_id)
      if (index < 0 || index >= size) throw new Error(`a record batch taken has dictionary index ${index}, beyond its dictionary of ${size} values`)
      previous = index
      if (marks[index] === stamp) continue
      marks[index] = stamp
      found.push(index)
    }
    return Int32Array.from(found)
  }

  /**
   * A dictionary column's indices renumbered: `distinct` (the column's distinct indices, as `distinct`
   * gave them) at k becomes `positions[k]` (where the same value is in the new dictionary); a null's
   * slot keeps what it held. The indices as they are where none changes (a group before any new value).
   */
  renumbered(data: Arrow.Data<Arrow.Dictionary<Arrow.Utf8, Arrow.Int32>>, distinct: Int32Array, positions: Int32Array): Int32Array {
    if (distinct.length !== positions.length) throw new Error("a record batch taken holds other values than when its dictionary values were gathered")
    const old = data.values as Int32Array
    const stamp = this.start(data.dictionary?.length ?? 0)
    const { marks, numbers } = this
    let same = true
    distinct.forEach((index, k) => {
      marks[index] = stamp
      numbers[index] = positions[k]!
      same &&= index === positions[k]
    })
    const indices = same ? old : new Int32Array(data.length)
    const hasNulls = data.nullCount > 0
    for (let row = 0; row < data.length; row++) {
      const index = old[row]!
      if (hasNulls && !data.getValid(row)) {
        indices[row] = index
        continue
      }
      if (marks[index] !== stamp) throw new Error("a record batch taken holds other values than when its dictionary values were gathered")
      indices[row] = numbers[index]!
    }
    return indices
  }
}

const appendValues = (builder: Arrow.Builder, values: ArrayLike<unknown>, rows: number): void => {
  for (let row = 0; row < rows; row++) builder.append(values[row])
}

const hasNull = (values: ArrayLike<unknown>, rows: number): boolean => {
  if (ArrayBuffer.isView(values)) return false
  for (let row = 0; row < rows; row++) {
    if (values[row] === null || values[row] === undefined) return true
  }
  return false
}

/** The values as the typed array Arrow stores (the same conversion a builder makes: typed array assignment). */
const typedValues = <A extends Int32Array | Float64Array>(type: { new (length: number): A }, values: ArrayLike<unknown>, rows: number): A => {
  if (values instanceof type && values.length === rows) return values
  const typed = new type(rows)
  for (let row = 0; row < rows; row++) typed[row] = values[row] as number
  return typed
}

const dictionaryIndex = (lookup: ReadonlyMap<string, number>, value: unknown, column: string): number => {
  const index = lookup.get(value as string)
  if (index === undefined) throw new Error(`${column}: ${JSON.stringify(value)} is not in the column's dictionary`)
  return index
}

/** A dictionary column's values (none missing) as their indices in the column's dictionary. */
const dictionaryIndices = (values: ArrayLike<unknown>, rows: number, lookup: ReadonlyMap<string, number>, column: string): Int32Array => {
  const indices = new Int32Array(rows)
  for (let row = 0; row < rows; row++) indices[row] = dictionaryIndex(lookup, values[row], column)
  return indices
}

/** A dictionary column's values as their indices in the column's dictionary. */
const appendIndices = (builder: Arrow.Builder, values: ArrayLike<unknown>, rows: number, lookup: ReadonlyMap<string, number>, column: string): void => {
  for (let row = 0; row < rows; row++) {
    const value = values[row]
    builder.append(value === null || value === undefined ? value : dictionaryIndex(lookup, value, column))
  }
}

const utf8 = new TextEncoder()

/** A value of a string column as the Utf8 builder takes it (TextEncoder converts anything else to a string). */
const textOf = (value: unknown): string => (typeof value === "string" ? value : String(value))

/**
 * A string column without nulls as Arrow stores it: the values' UTF-8 bytes end to end (as TextEncoder
 * encodes them, as the Utf8 builder does) and where each value ends. The builder instead keeps an encoded
 * copy of every value until it is flushed: most of what writing a large table's Arrow file allocated.
 */
const utf8Data = (type: Arrow.Utf8, values: ArrayLike<unknown>, rows: number): Arrow.Data<Arrow.Utf8> => {
  let chars = 0
  for (let row = 0; row < rows; row++) chars += textOf(values[row]).length
  const bytes = new Uint8Array(3 * chars) // a UTF-16 code unit never takes more than 3 bytes in UTF-8
  const offsets = new Int32Array(rows + 1)
  let end = 0
  for (let row = 0; row < rows; row++) {
    const text = textOf(values[row])
    // ASCII, the usual case, copied a character at a time (cheaper than a native call per value)
    let i = 0
    for (; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code >= 0x80) break
      bytes[end + i] = code
    }
    end += i === text.length ? i : utf8.encodeInto(text, bytes.subarray(end)).written
    offsets[row + 1] = end
  }
  return Arrow.makeData({ type, length: rows, nullCount: 0, valueOffsets: offsets, data: bytes.subarray(0, end) })
}

/** The writing half of ArrowTableWriter: builders, the IPC file writer, and the pump to the sink. */
class ArrowOutput {
  private readonly writer = new Arrow.RecordBatchFileWriter()
  private readonly pumped: Promise<void>
  private failure: { readonly error: unknown } | undefined
  private readonly fields: Array<Arrow.Field>
  /** Per column: the complete dictionary, for dictionary columns. */
  private readonly dictionaryVectors: ReadonlyArray<Arrow.Vector<Arrow.Utf8> | undefined>
  /** Record batches written so far: the row group each dictionary lookup is for. */
  private batches = 0
  /** Dictionary columns build their indices, the others their values. */
  private readonly builders: ReadonlyArray<Arrow.Builder>
  constructor(
    private readonly schema: Arrow.Schema,
    private readonly dictionaries: ReadonlyArray<DictionaryValues | undefined>,
    private readonly sink: FileSink
  ) {
    this.fields = schema.fields
    this.dictionaryVectors = dictionaries.map((dictionary) => dictionary?.take())
    this.builders = this.fields.map((field, i) =>
      Arrow.makeBuilder({ type: dictionaries[i] === undefined ? field.type : new Arrow.Int32(), nullValues: [null, undefined] })
    )
    this.writer.reset(undefined, schema) // starts the file even if no batch follows
    this.pumped = (async () => {
      for await (const chunk of this.writer) sink.write(chunk)
    })().catch((error: unknown) => {
      this.failure = { error }
    })
  }

  async writeColumns({ columns, rows }: ColumnChunks): Promise<void> {
    if (rows === 0) return
    const group = this.batches++
    const children = this.fields.map((_, i) => this.columnData(i, columns[i]!, rows, group))
    await this.writeBatch(rows, children)
  }

  async writeTaken(batch: Arrow.RecordBatch, distinct: ReadonlyArray<Int32Array | undefined>, marks: IndexMarks): Promise<void> {
    if (batch.numRows === 0) return
    const group = this.batches++
    const children = this.fields.map((_, i) => {
      const dictionary = this.dictionaries[i]
      if (dictionary === undefined) return batch.getChildAt(i)!.data[0]!
      const data = dictionaryData(batch, i)
      const type = this.fields[i]!.type as Arrow.Dictionary<Arrow.Utf8, Arrow.Int32>
      const indices = marks.renumbered(data, distinct[i]!, dictionary.positions(group))
      return Arrow.makeData({ type, length: data.length, nullCount: data.nullCount, nullBitmap: data.nullBitmap, data: indices, dictionary: this.dictionaryVectors[i]! })
    })
    await this.writeBatch(batch.numRows, children)
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

  /**
   * A column of a record batch. Numbers, strings and dictionary indices without nulls go straight into
   * the arrays Arrow stores them in; other columns through apache-arrow's builders. Either way the file holds
   * the same bytes: the IPC writer writes a column's values, and its validity bitmap only where there
   * are nulls (test/publish-stream.test.ts checks them against encodeArrow's).
   */
  private columnData(i: number, values: ArrayLike<unknown>, rows: number, group: number): Arrow.Data {
    const field = this.fields[i]!
    const lookup = this.dictionaries[i]?.lookup(group, values, rows)
    const dictionary = this.dictionaryVectors[i]
    if (hasNull(values, rows)) {
      const builder = this.builders[i]!
      if (lookup === undefined) appendValues(builder, values, rows)
      else appendIndices(builder, values, rows, lookup, field.name)
      const data = builder.flush()
      if (dictionary === undefined) return data
      return Arrow.makeData({ type: field.type as Arrow.Dictionary<Arrow.Utf8, Arrow.Int32>, length: rows, nullCount: data.nullCount, nullBitmap: data.nullBitmap, data: data.values as Int32Array, dictionary })
    }
    if (lookup !== undefined && dictionary !== undefined) {
      return Arrow.makeData({ type: field.type as Arrow.Dictionary<Arrow.Utf8, Arrow.Int32>, length: rows, nullCount: 0, data: dictionaryIndices(values, rows, lookup, field.name), dictionary })
    }
    if (Arrow.DataType.isInt(field.type)) return Arrow.makeData({ type: field.type, length: rows, nullCount: 0, data: typedValues(Int32Array, values, rows) })
    if (Arrow.DataType.isFloat(field.type)) return Arrow.makeData({ type: field.type, length: rows, nullCount: 0, data: typedValues(Float64Array, values, rows) })
    if (Arrow.DataType.isUtf8(field.type)) return utf8Data(field.type, values, rows)
    appendValues(this.builders[i]!, values, rows)
    return this.builders[i]!.flush()
  }

  private async writeBatch(length: number, children: ReadonlyArray<Arrow.Data>): Promise<void> {
    const data = Arrow.makeData({ type: new Arrow.Struct(this.fields), length, nullCount: 0, children: [...children] })
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

export const expectedArrowTypes = (table: TableLayout): ReadonlyArray<string> =>
  arrowSchema(table).fields.map((field) => String(field.type))
