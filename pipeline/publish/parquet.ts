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
// Row groups end after 65,536 rows, or sooner where their text gets long, or between documents chosen
// by their doc_id (row-groups.ts).
// Pages are Snappy-compressed (the writer's built-in pure-JS Snappy: deterministic, and read by every
// Parquet reader). The file's key-value metadata holds the table's name and description; created_by
// names no version and there are no timestamps, so the same rows give the same bytes.
import { open } from "node:fs/promises"
import { type AsyncBuffer, type ColumnData, type FileMetaData, parquetMetadata, parquetMetadataAsync, parquetRead, parquetReadObjects, type SchemaElement } from "hyparquet"
import type { ColumnChunk, RowGroup } from "hyparquet"
import { ByteWriter, ParquetWriter, parquetWriteBuffer, type ColumnSource } from "hyparquet-writer"
import type { ColumnMeta, Row, Table } from "../../schemas/table.ts"
import { checkRecords, type ReadbackProblem } from "./readback.ts"
import type { TableLayout } from "./layout.ts"
import { ROW_GROUP_LIMITS, type RowGroupLimits, rowGroupSizes } from "./row-groups.ts"
import type { FileSink, WrittenFile } from "./sink.ts"

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

export const parquetTypes = (table: TableLayout): ReadonlyArray<string> =>
  table.columns.map(({ name, meta }) => typeLabel(schemaElement(name, meta)))

const columnSources = (table: Table<any>, columns: ReadonlyArray<Array<unknown>>): Array<ColumnSource> =>
  table.columns.map(({ name, meta }, i) => ({
    name,
    data: columns[i] ?? [],
    ...(meta.kind === "id" ? { encoding: "RLE_DICTIONARY" as const } : {})
  }))

const columnData = <T extends Table<any>>(table: T, rows: ReadonlyArray<Row<T>>): Array<ColumnSource> =>
  columnSources(table, table.columns.map(({ name }) => rows.map((row) => (row as Record<string, unknown>)[name] ?? null)))

/** The file-level options, the same for a whole-table and a streamed file. */
const fileOptions = (table: Table<any>) => ({
  schema: parquetSchema(table),
  codec: "SNAPPY" as const,
  kvMetadata: [{ key: "table", value: table.name }, { key: "description", value: table.description }],
  createdBy: CREATED_BY
})

/** The whole table as one Parquet file, in the row groups `limits` make. */
export const encodeParquet = <T extends Table<any>>(table: T, rows: ReadonlyArray<Row<T>>, limits: RowGroupLimits = ROW_GROUP_LIMITS): Uint8Array => {
  const sizes = rowGroupSizes(table, rows, limits)
  return new Uint8Array(parquetWriteBuffer({ ...fileOptions(table), columnData: columnData(table, rows), rowGroupSize: sizes.length === 0 ? limits.rows : sizes }))
}

/** Hands hyparquet-writer's bytes to a sink a megabyte at a time (as its own fileWriter does to a file). */
class SinkWriter extends ByteWriter {
  constructor(private readonly sink: FileSink) {
    super(1 << 20)
  }

  override ensure(size: number): void {
    if (this.index > 1_000_000) this.drain()
    super.ensure(size)
  }

  override finish(): void {
    this.drain()
    this.buffer = new ArrayBuffer(0) // the writer is kept until the version is published
    this.view = new DataView(this.buffer)
  }

  override getBuffer(): ArrayBuffer {
    throw new Error("a streamed Parquet file is not kept in memory")
  }

  override getBytes(): Uint8Array<ArrayBuffer> {
    throw new Error("a streamed Parquet file is not kept in memory")
  }

  private drain(): void {
    this.sink.write(new Uint8Array(this.buffer, 0, this.index)) // copied by the sink before the buffer is reused
    this.index = 0
  }
}

/**
 * The string with characters of its own. V8 makes a substring of 13 or more characters a view of the
 * string it was cut from, which it keeps alive: a title cut from a raw text keeps the whole text. Rows
 * wait in a row group for thousands of documents, so their strings must not hold on to the texts.
 */
const ownCharacters = (value: string): string => (value.length < 13 ? value : ` ${value}`.slice(1))

/** A column chunk's page indexes, as the Parquet writer keeps them until the file is finished. */
type PageIndexes = ParquetWriter["pendingIndexes"][number]

/**
 * A row group as written into its file: where its bytes lie, and its metadata and its columns' page
 * indexes as the file's footer records them (offsets in that file). Another file can take the group's
 * bytes as they are (ParquetTableWriter.appendWrittenGroup).
 */
export interface WrittenRowGroup {
  /** The offset of its first byte, and of the byte after its last, in its file. */
  readonly start: number
  readonly end: number
  readonly rowGroup: RowGroup
  /** Its columns' page indexes, one per column, in order. */
  readonly indexes: ReadonlyArray<PageIndexes>
}

const shiftOffset = (offset: bigint | undefined, by: bigint): bigint | undefined => (offset === undefined ? undefined : offset + by)

/**
 * A column chunk's metadata with every offset into the file moved by `by`, and without the places of
 * its page indexes, which the file's writer sets when it writes them at the end.
 */
const shiftedChunk = (chunk: ColumnChunk, by: bigint): ColumnChunk => {
  const { column_index_offset: _ci, column_index_length: _cl, offset_index_offset: _oi, offset_index_length: _ol, ...rest } = chunk
  const meta = rest.meta_data
  return {
    ...rest,
    file_offset: rest.file_offset + by,
    ...(meta === undefined
      ? {}
      : {
        meta_data: {
          ...meta,
          data_page_offset: meta.data_page_offset + by,
          ...(meta.dictionary_page_offset === undefined ? {} : { dictionary_page_offset: shiftOffset(meta.dictionary_page_offset, by)! }),
          ...(meta.index_page_offset === undefined ? {} : { index_page_offset: shiftOffset(meta.index_page_offset, by)! })
        }
      })
  }
}

/** The row group's metadata and page indexes as they are for its bytes at `start`, in a file of their own. */
const movedGroup = (group: WrittenRowGroup, start: number): { rowGroup: RowGroup; indexes: Array<PageIndexes> } => {
  const by = BigInt(start - group.start)
  const columns = group.rowGroup.columns.map((chunk) => shiftedChunk(chunk, by))
  const indexes = group.indexes.map((index, i) => ({
    ...index,
    chunk: columns[i]!,
    ...(index.offsetIndex === undefined
      ? {}
      : { offsetIndex: { ...index.offsetIndex, page_locations: index.offsetIndex.page_locations.map((page) => ({ ...page, offset: page.offset + by })) } })
  }))
  return { rowGroup: { ...group.rowGroup, columns }, indexes }
}

/**
 * A table's Parquet file written a row group at a time: rows are buffered as columns, and written as one
 * row group when `endGroup` is called (where row-groups.ts ends one) and at the end; or a group written
 * before, into another file, is taken as its bytes (`appendWrittenGroup`). The same bytes as
 * encodeParquet of all the rows, given the same groups.
 */
export class ParquetTableWriter<T extends Table<any>> {
  private writer: ParquetWriter | undefined
  private readonly bytes: SinkWriter
  private readonly names: ReadonlyArray<string>
  private columns: Array<Array<unknown>>
  private buffered = 0
  /**
   * Where each row group written lies, and its page indexes among the writer's. Its metadata is the
   * writer's own (kept for the footer), copied only when asked for (`groups`), so that a file's row
   * group metadata is not held twice.
   */
  private readonly spans: Array<{ readonly start: number; readonly end: number; readonly indexes: readonly [number, number] }> = []

  constructor(private readonly table: T, private readonly sink: FileSink) {
    this.names = table.columns.map(({ name }) => name)
    this.columns = this.names.map(() => [])
    this.bytes = new SinkWriter(sink)
    this.writer = new ParquetWriter({ ...fileOptions(table), writer: this.bytes })
  }

  /** Row groups written so far. */
  get groupCount(): number {
    return this.spans.length
  }

  /** The row groups written, as this file holds them (until `release`). */
  get groups(): Array<WrittenRowGroup> {
    const writer = this.open()
    return this.spans.map(({ start, end, indexes: [from, to] }, i) => ({
      start,
      end,
      ...movedGroup({ start, end, rowGroup: writer.row_groups[i]!, indexes: writer.pendingIndexes.slice(from, to) }, start)
    }))
  }

  /** Adds rows to the row group being gathered. */
  append(rows: ReadonlyArray<Row<T>>): void {
    const { names, columns } = this
    for (const row of rows) {
      const record = row as Record<string, unknown>
      for (let i = 0; i < names.length; i++) {
        const value = record[names[i]!] ?? null
        columns[i]!.push(typeof value === "string" ? ownCharacters(value) : value)
      }
    }
    this.buffered += rows.length
  }

  /** Writes the rows gathered as a row group (if there are any). */
  endGroup(): void {
    if (this.buffered === 0) return
    const writer = this.open()
    const start = this.bytes.offset
    const indexesBefore = writer.pendingIndexes.length
    void writer.write({ columnData: columnSources(this.table, this.columns), rowGroupSize: this.buffered })
    this.spans.push({ start, end: this.bytes.offset, indexes: [indexesBefore, writer.pendingIndexes.length] })
    this.columns = this.names.map(() => [])
    this.buffered = 0
  }

  /**
   * Appends a row group written before into another file, given its bytes (those between
   * `group.start` and `group.end` in that file), after the rows gathered so far (as a group of
   * their own).
   */
  appendWrittenGroup(bytes: Uint8Array, group: WrittenRowGroup): void {
    if (bytes.byteLength !== group.end - group.start) throw new Error(`a row group of ${group.end - group.start} bytes was given ${bytes.byteLength}`)
    this.endGroup()
    const writer = this.open()
    const start = this.bytes.offset
    const { rowGroup, indexes } = movedGroup(group, start)
    const indexesBefore = writer.pendingIndexes.length
    this.bytes.appendBytes(bytes)
    writer.row_groups.push(rowGroup)
    writer.num_rows += rowGroup.num_rows
    writer.pendingIndexes.push(...indexes)
    this.spans.push({ start, end: this.bytes.offset, indexes: [indexesBefore, writer.pendingIndexes.length] })
  }

  close(): WrittenFile {
    this.endGroup()
    void this.open().finish() // synchronous: the sink writer has no asynchronous flush
    return this.sink.close()
  }

  /** Lets go of the writer and its row groups' metadata, once the file is closed and `groups` taken. */
  release(): void {
    this.writer = undefined
  }

  abandon(): void {
    this.sink.abandon()
  }

  private open(): ParquetWriter {
    if (this.writer === undefined) throw new Error(`${this.table.name}: Parquet writer used after it was let go of`)
    return this.writer
  }
}

/**
 * A Parquet file on disk as hyparquet reads it: each byte range read straight into a buffer of its own
 * through one file handle (hyparquet's asyncBufferFromFile opens a stream per range), then closed.
 */
export const withParquetFile = async <A>(path: string, use: (file: AsyncBuffer) => Promise<A>): Promise<A> => {
  const handle = await open(path, "r")
  try {
    const { size } = await handle.stat()
    const slice = async (start: number, end: number = size): Promise<ArrayBuffer> => {
      const bytes = new Uint8Array(Math.max(0, Math.min(end, size) - start))
      for (let done = 0; done < bytes.byteLength;) {
        const { bytesRead } = await handle.read(bytes, done, bytes.byteLength - done, start + done)
        if (bytesRead === 0) throw new Error(`${path} ended at byte ${start + done}, before ${end}`)
        done += bytesRead
      }
      return bytes.buffer
    }
    return await use({ byteLength: size, slice })
  } finally {
    await handle.close()
  }
}

/** A row group's columns (or some of them): each column's values, by row. */
export interface ColumnChunks {
  readonly columns: ReadonlyArray<ArrayLike<unknown>>
  readonly rows: number
}

/**
 * Some columns of rows rowStart..rowEnd (one row group) of a Parquet file, as hyparquet decodes them,
 * column by column (no row is assembled): each column's one decoded chunk as it is, or its chunks copied
 * into one array where there are several.
 */
export const readColumnChunks = async (
  file: AsyncBuffer,
  metadata: FileMetaData,
  rowStart: number,
  rowEnd: number,
  names: ReadonlyArray<string>
): Promise<ColumnChunks> => {
  const chunks = new Map<string, Array<ColumnData>>(names.map((name) => [name, []]))
  await parquetRead({ file, metadata, columns: [...names], rowStart, rowEnd, onChunk: (chunk) => chunks.get(chunk.columnName)?.push(chunk) })
  const rows = rowEnd - rowStart
  const columns = names.map((name) => {
    const [first, ...more] = chunks.get(name)!
    if (first !== undefined && more.length === 0 && first.rowStart === rowStart && first.columnData.length === rows) return first.columnData
    const values = new Array<unknown>(rows)
    for (const { columnData, rowStart: chunkStart } of chunks.get(name)!) {
      const end = Math.min(rowEnd, chunkStart + columnData.length)
      for (let row = Math.max(rowStart, chunkStart); row < end; row++) values[row - rowStart] = columnData[row - chunkStart]
    }
    return values
  })
  return { columns, rows }
}

/**
 * Some columns of a Parquet file on disk, a row group at a time: each group is handed to `onGroup`, in
 * order, with a function that reads its columns (in the order asked), which it may leave unread.
 */
export const scanParquetColumns = (path: string, names: ReadonlyArray<string>, onGroup: (index: number, read: () => Promise<ColumnChunks>) => Promise<void>): Promise<void> =>
  names.length === 0
    ? Promise.resolve()
    : withParquetFile(path, async (file) => {
      const metadata = await parquetMetadataAsync(file)
      let rowStart = 0
      for (const [index, group] of metadata.row_groups.entries()) {
        const start = rowStart
        const rowEnd = start + Number(group.num_rows)
        await onGroup(index, () => readColumnChunks(file, metadata, start, rowEnd, names))
        rowStart = rowEnd
      }
    })

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
