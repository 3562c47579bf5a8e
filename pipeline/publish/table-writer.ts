// One table's three files (CSV, Arrow, Parquet), written as rows are appended. Each row is validated
// against the table's schema once, here, on its way into the files (the check "always at publish": the
// table's column predicates, and its schema's decoder for any row they turn down, to accept it after all
// or say what is wrong), and must not come before the previous row in the table's declared order; then
// it is digested (digest.ts) and written to the CSV and Parquet files. Row groups end where row-groups.ts
// ends them, and so do the digest's blocks: a block's digest stands for one row group's rows. With
// keepGroups, a row group holding the same documents' rows as a group of the table's previous files is
// taken from them instead (group-reuse.ts): its CSV and Parquet bytes, its digest block, and on close its
// Arrow record batch, dictionary indices renumbered. On close, the Parquet file is read back a row group
// at a time, twice (but the groups taken): its dictionary columns, for the Arrow file's dictionaries;
// then every column, whose rows' digest is the Parquet file's read-back check, each row group becoming
// one of the Arrow file's record batches.
// Memory is bounded by a row group (ROW_GROUP_LIMITS) while rows are appended; on close, one table's
// dictionaries are added.
import { open } from "node:fs/promises"
import { join } from "node:path"
import * as Arrow from "apache-arrow"
import { Result } from "effect"
import { compareRows, type Row, type Table } from "../../schemas/table.ts"
import { firstProblem } from "../../schemas/inputs/issues.ts"
import { ArrowTableWriter } from "./arrow.ts"
import { CsvTableWriter } from "./csv.ts"
import { RowDigest, type TableDigest } from "./digest.ts"
import { ParquetTableWriter, scanParquetColumns } from "./parquet.ts"
import { byDocument, ROW_GROUP_LIMITS, RowGroupBoundaries, type RowGroupLimits, rowChars, unitColumns, unitOfRow } from "./row-groups.ts"
import { type Candidate, contentKey, type GroupDocument, type GroupIdentity, type GroupPlace, matchesWhole, PreviousGroupIndex, type PreviousGroups, readRange, stillMatches } from "./group-reuse.ts"
import type { ReadbackProblem } from "./readback.ts"
import { FileSink, type WrittenFile } from "./sink.ts"
import { type FileContent, readParquetContent, tableFile, type TableFormat, type TakenGroup } from "./verify.ts"

export interface WrittenTable {
  readonly table: Table<any>
  /** Of the rows appended. */
  readonly digest: TableDigest
  readonly files: Readonly<Record<TableFormat, WrittenFile>>
  /** What the Parquet file held when read back to write the Arrow file. */
  readonly parquetContent: FileContent
  /** Where each row group lies, for a later run to take (with keepGroups only). */
  readonly groups: ReadonlyArray<GroupPlace> | undefined
  readonly taken: ReadonlyArray<TakenGroup>
}

/** The previous files of a table, whose row groups were taken, could not be read. */
export class PreviousFilesUnreadable extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(`${path} ${problem}`)
  }
}

/** The record batches of a previous Arrow file of the table, read one at a time. */
const openPreviousArrow = async (path: string) => {
  const handle = await open(path, "r")
  const unreadable = (error: unknown) => new PreviousFilesUnreadable(path, `could not be read (${error instanceof Error ? error.message : String(error)})`)
  try {
    const reader = await Arrow.RecordBatchReader.from(handle)
    await reader.open()
    if (!reader.isFile()) throw new Error("not in the Arrow IPC file format")
    return {
      /** The file's dictionary of a column, by the column's position (its dictionary's id). */
      dictionary: (column: number): Arrow.Vector | undefined => reader.dictionaries.get(column),
      batch: async (index: number): Promise<Arrow.RecordBatch> => {
        const batch = await reader.readRecordBatch(index).catch((error: unknown) => {
          throw unreadable(error)
        })
        if (batch === null) throw unreadable(new Error(`it has no record batch ${index}`))
        return batch
      },
      close: () => handle.close()
    }
  } catch (error) {
    await handle.close()
    throw unreadable(error)
  }
}

/** A table's CSV and Parquet files, finished; its Arrow file is written next, from the Parquet file. */
export interface ClosedFiles {
  /** Of the rows appended. */
  readonly digest: TableDigest
  readonly csv: WrittenFile
  readonly parquet: WrittenFile
  /** The row groups taken as they were from the table's previous files, in order. */
  readonly taken: ReadonlyArray<TakenGroup>
}

/** The Parquet file did not read back, so the Arrow file could not be written from it. */
export class ParquetUnreadable extends Error {
  constructor(readonly problem: ReadbackProblem) {
    super("the Parquet file could not be read back")
  }
}

/** A row that cannot be published: names the table, the row and what is wrong with it. */
export class RowRejected extends Error {
  constructor(readonly table: string, readonly row: number, readonly detail: string) {
    super(`${table} row ${row}: ${detail}`)
  }
}

/** "doc_id=a, index=3": the row's primary key, to find it. */
const keyOf = (table: Table<any>, row: Record<string, unknown>): string =>
  table.primaryKey.map((key) => `${key}=${JSON.stringify(row[key] ?? null)}`).join(", ")

/** Why the table's schema rejects the row, or undefined if it accepts it after all. */
const schemaRejection = (table: Table<any>, row: Record<string, unknown>, number: number): RowRejected | undefined => {
  const decoded = table.decodeRow(row)
  if (Result.isSuccess(decoded)) return undefined
  const problem = firstProblem(decoded.failure)
  return new RowRejected(table.name, number, `(${keyOf(table, row)}) failed its schema at ${problem.field === "" ? "the row" : problem.field}: ${problem.message}`)
}

/** A document's rows, not read yet. */
class UnreadRows<T extends Table<any>> {
  constructor(readonly read: () => ReadonlyArray<Row<T>>) {}
}

export class TableWriter<T extends Table<any> = Table<any>> {
  private readonly csv: CsvTableWriter<T>
  private readonly arrow: ArrowTableWriter<T>
  private readonly parquet: ParquetTableWriter<T>
  private readonly digest = new RowDigest()
  private readonly boundaries: RowGroupBoundaries
  private readonly names: ReadonlyArray<string>
  private readonly compare: (a: Row<T>, b: Row<T>) => number
  private readonly parquetPath: string
  /** The last row written (or taken with its group), which the next must not come before. */
  private previous: Row<T> | undefined
  private appended = 0
  /** Rows validated and digested, not yet handed to the files. */
  private segment: Array<Row<T>> = []
  private closed = false
  private filesClosed: ClosedFiles | undefined
  private closing: Promise<WrittenTable> | undefined
  // Where the row groups lie, and taking previous ones (group-reuse.ts): only with an identity.
  private identity: GroupIdentity | undefined
  private reusable: PreviousGroupIndex | undefined
  /** The unit (document, or group of documents) a row belongs to, in a table with units. */
  private readonly unitOf: ((record: Readonly<Record<string, unknown>>) => unknown) | undefined
  /** The unit whose rows are being gathered from `append` (a table whose units are not documents, with keepGroups), and its key. */
  private unit: { readonly id: string; readonly rows: Array<Row<T>>; key?: string } | undefined
  /** The documents of the row group being gathered. */
  private gathered: Array<GroupDocument> = []
  private document: unknown = undefined
  private documentKey: string | null = null
  /** Rows of the current document so far (in groups before too). */
  private documentRows = 0
  private candidate: Candidate | undefined
  /** The rows of the group being gathered, while it may still be the candidate. */
  private waiting: Array<Row<T> | UnreadRows<T>> = []
  private groupCsvStart = 0
  /** Each row group's documents and CSV bytes (its Parquet place is added when the file is finished). */
  private readonly places: Array<Omit<GroupPlace, "parquet">> = []
  /** The groups taken from the previous files, each with the place it had there. */
  private readonly taken: Array<TakenGroup & { readonly previous: number }> = []
  private readonly limits: RowGroupLimits

  constructor(readonly table: T, dir: string, limits: RowGroupLimits = ROW_GROUP_LIMITS) {
    this.parquetPath = join(dir, tableFile(table, "parquet"))
    const sinks: Array<FileSink> = []
    const sink = (format: TableFormat) => {
      const opened = new FileSink(join(dir, tableFile(table, format)))
      sinks.push(opened)
      return opened
    }
    try {
      this.csv = new CsvTableWriter(table, sink("csv"))
      this.arrow = new ArrowTableWriter(table, sink("arrow"))
      this.parquet = new ParquetTableWriter(table, sink("parquet"))
    } catch (error) {
      for (const opened of sinks) opened.abandon()
      throw error
    }
    this.limits = limits
    this.boundaries = new RowGroupBoundaries(table, limits)
    this.names = table.columns.map(({ name }) => name)
    this.compare = compareRows(table)
    this.groupCsvStart = this.csv.written
    const units = unitColumns(table)
    this.unitOf = units === undefined ? undefined : unitOfRow(units)
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.appended
  }

  /**
   * Records where each row group lies and which units' rows it holds (a table with units only: its
   * documents, or groups of documents), and takes the groups of `previous` that the same rows make
   * again. Before any row.
   */
  keepGroups(identity: GroupIdentity, previous?: PreviousGroups): void {
    if (this.appended > 0) throw new Error(`${this.table.name}: row groups kept after rows were appended`)
    if (this.unitOf === undefined) return
    this.identity = identity
    const sameLimits = previous !== undefined && previous.limits.rows === this.limits.rows && previous.limits.chars === this.limits.chars
    this.reusable = sameLimits && previous.context === identity.context ? new PreviousGroupIndex(previous) : undefined
  }

  /**
   * Validates, order-checks, digests and writes rows. Throws RowRejected for a row that cannot be
   * published (nothing of that row or after it is written). In a table whose units are groups of
   * documents, with keepGroups, the rows are gathered a unit at a time and each unit appended whole,
   * known by its rows' content.
   */
  append(rows: ReadonlyArray<Row<T>>): void {
    this.checkOpen()
    if (this.identity !== undefined && !byDocument(this.table)) return this.gatherUnits(rows)
    this.appendRows(rows)
  }

  private appendRows(rows: ReadonlyArray<Row<T>>): void {
    try {
      for (const row of rows) this.take(row)
    } finally {
      this.writeSegment()
    }
  }

  /**
   * Appends a whole document's rows, of the size given, read only if they must be written: a document
   * in a row group taken from the previous files (keepGroups) is never read. Rows as `append` takes them.
   */
  appendDocument(docId: string, size: { readonly rows: number; readonly chars: number }, read: () => ReadonlyArray<Row<T>>): void {
    this.checkOpen()
    if (size.rows === 0) return
    const readRows = () => {
      const rows = read()
      if (rows.length !== size.rows) throw new Error(`${this.table.name}: ${docId} has ${rows.length} rows, not the ${size.rows} its size says`)
      return rows
    }
    const endsBefore = this.reusable === undefined ? undefined : this.boundaries.takesDocument(docId, size.rows, size.chars)
    if (endsBefore === undefined) return this.appendRows(readRows())
    if (this.document !== undefined && String(this.document) >= docId) {
      const unit = (id: unknown) => JSON.stringify(String(id).split("\u0000").join(", "))
      throw new RowRejected(this.table.name, this.digest.rows, `(${unitColumns(this.table)!.join(", ")}=${unit(docId)}) comes before the rows above it (${unit(this.document)}) in the table's order (${this.table.orderedBy.join(", ")})`)
    }
    this.appended += size.rows
    if (endsBefore) this.endGroup()
    this.gatherDocument(docId, size.rows)
    try {
      if (this.candidate === undefined) for (const row of readRows()) this.accept(row)
      else {
        this.waiting.push(new UnreadRows(readRows))
        if (!stillMatches(this.gathered, this.candidate)) this.giveUpCandidate()
      }
    } finally {
      this.writeSegment()
    }
  }

  /** Rows gathered into units; each unit, once its rows are all in, appended whole (appendUnit). */
  private gatherUnits(rows: ReadonlyArray<Row<T>>): void {
    for (const row of rows) {
      const id = String(this.unitOf!(row as Record<string, unknown>))
      if (this.unit !== undefined && this.unit.id !== id) this.appendUnit()
      this.unit ??= { id, rows: [] }
      this.unit.rows.push(row)
    }
  }

  /** The unit gathered, appended as a document is, its key the digest of its rows. */
  private appendUnit(): void {
    const unit = this.unit
    if (unit === undefined) return
    unit.key = contentKey(unit.rows, this.names)
    let chars = 0
    for (const row of unit.rows) chars += rowChars(row as Record<string, unknown>, this.names)
    try {
      this.appendDocument(unit.id, { rows: unit.rows.length, chars }, () => unit.rows)
    } finally {
      this.unit = undefined
    }
  }

  /** A unit's key: a document's cache key, or the key of the rows of the group of documents being appended. */
  private keyOfUnit(id: string): string | undefined {
    if (byDocument(this.table)) return this.identity!.documentKey(id)
    return this.unit?.id === id ? this.unit.key : undefined
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`${this.table.name}: rows appended after the table was finished`)
  }

  private take(row: Row<T>): void {
    const record = row as Record<string, unknown>
    this.appended++
    if (this.boundaries.takes(record)) this.endGroup()
    if (this.identity !== undefined) this.gather(record)
    if (this.candidate === undefined) this.accept(row)
    else {
      this.waiting.push(row)
      if (!stillMatches(this.gathered, this.candidate)) this.giveUpCandidate()
    }
    if (this.boundaries.full()) this.endGroup()
  }

  /** Counts the row to its document in the group; a group's first row looks for a previous group starting there. */
  private gather(record: Record<string, unknown>): void {
    const docId = this.unitOf!(record)
    const nextDocument = docId !== this.document
    if (nextDocument) this.nextDocument(docId)
    if (this.gathered.length === 0) this.startGroup()
    else if (nextDocument) this.gathered.push({ key: this.documentKey, start: 0, rows: 0 })
    this.gathered[this.gathered.length - 1]!.rows++
    this.documentRows++
  }

  /** Counts a whole document's rows to the group (gather, a document at a time). */
  private gatherDocument(docId: string, rows: number): void {
    this.nextDocument(docId)
    if (this.gathered.length === 0) this.startGroup()
    else this.gathered.push({ key: this.documentKey, start: 0, rows: 0 })
    this.gathered[this.gathered.length - 1]!.rows += rows
    this.documentRows += rows
  }

  private nextDocument(docId: unknown): void {
    this.document = docId
    this.documentKey = this.keyOfUnit(String(docId)) ?? null
    this.documentRows = 0
  }

  private startGroup(): void {
    this.gathered.push({ key: this.documentKey, start: this.documentRows, rows: 0 })
    this.candidate = this.reusable?.startingAt(this.documentKey, this.documentRows)
  }

  /** Validates, order-checks and digests a row, for the files. */
  private accept(row: Row<T>): void {
    const { table, digest } = this
    const number = digest.rows
    const rejection = table.passesColumnChecks(row) ? undefined : schemaRejection(table, row, number)
    if (rejection !== undefined) throw rejection
    if (this.previous !== undefined && this.compare(this.previous, row) > 0) {
      throw new RowRejected(
        table.name,
        number,
        `(${keyOf(table, row)}) comes before the row above it (${keyOf(table, this.previous)}) in the table's order (${table.orderedBy.join(", ")})`
      )
    }
    this.previous = row
    digest.addRecord(row, this.names)
    this.segment.push(row)
  }

  /** The rows waiting for the candidate are written as usual (read, for a document's not read yet): the group is a new one. */
  private giveUpCandidate(): void {
    const waiting = this.waiting
    this.waiting = []
    this.candidate = undefined
    for (const item of waiting) {
      if (item instanceof UnreadRows) for (const row of item.read()) this.accept(row)
      else this.accept(item)
    }
  }

  private writeSegment(): void {
    if (this.segment.length === 0) return
    this.csv.append(this.segment)
    this.parquet.append(this.segment)
    this.segment = []
  }

  /** Ends the row group gathered: taken from the previous files if it is the candidate's, else written. */
  private endGroup(): void {
    const candidate = this.candidate
    const first = this.waiting[0]
    const inOrder = first instanceof UnreadRows || this.previous === undefined || (first !== undefined && this.compare(this.previous, first) <= 0)
    if (candidate !== undefined && first !== undefined && matchesWhole(this.gathered, candidate) && inOrder) {
      this.takeGroup(candidate)
    } else {
      if (candidate !== undefined) this.giveUpCandidate()
      this.writeSegment()
      const groups = this.parquet.groupCount
      this.parquet.endGroup()
      this.digest.endBlock()
      if (this.parquet.groupCount === groups) return // no rows: no group
    }
    this.candidate = undefined
    this.waiting = []
    if (this.identity !== undefined) this.places.push({ documents: this.gathered, csv: [this.groupCsvStart, this.csv.written] })
    this.gathered = []
    this.groupCsvStart = this.csv.written
  }

  /** Writes a previous group's CSV lines and Parquet bytes as they are, and takes its digest block. */
  private takeGroup({ index, place }: Candidate): void {
    const previous = this.reusable!.previous
    this.csv.appendEncoded(readRange(previous.csvPath, place.csv[0], place.csv[1]))
    this.parquet.appendWrittenGroup(readRange(previous.parquetPath, place.parquet.start, place.parquet.end), place.parquet)
    this.digest.addBlock(previous.digest.blocks[index]!, previous.digest.blockRows[index]!)
    const last = this.waiting.at(-1)
    this.previous = last instanceof UnreadRows ? undefined : last // appendDocument checks the documents' order
    const group = this.parquet.groupCount - 1
    this.taken.push({ index: group, csv: [this.groupCsvStart, this.csv.written], previous: index })
  }

  /**
   * Finishes the CSV and Parquet files (writing the last row group: the table then holds no rows in
   * memory); the table takes no more rows. `close` then writes the Arrow file.
   */
  closeFiles(): ClosedFiles {
    if (this.filesClosed !== undefined) return this.filesClosed
    this.appendUnit()
    this.closed = true
    this.endGroup()
    this.previous = undefined
    this.filesClosed = { digest: this.digest.result(), csv: this.csv.close(), parquet: this.parquet.close(), taken: this.taken }
    return this.filesClosed
  }

  /**
   * Finishes the three files; the table takes no more rows. Rejects with ParquetUnreadable if the
   * Parquet file does not read back. Called again, gives the same promise.
   */
  close(): Promise<WrittenTable> {
    this.closing ??= this.finishFiles()
    return this.closing
  }

  private async finishFiles(): Promise<WrittenTable> {
    const { digest, csv, parquet, taken } = this.closeFiles()
    const file = tableFile(this.table, "parquet")
    const takenFrom = new Map(this.taken.map(({ index, previous }) => [index, previous]))
    const previous = taken.length === 0 ? undefined : await openPreviousArrow(this.reusable!.previous.arrowPath)
    try {
      const takenBatch = (index: number) => previous!.batch(takenFrom.get(index)!)
      const collectTaken = async (index: number) => {
        const known = this.reusable!.previous.groups[takenFrom.get(index)!]?.dictionaryIndices
        if (known === undefined) this.arrow.collectTaken(await takenBatch(index))
        else this.arrow.collectTakenIndices(known, previous!.dictionary)
      }
      await scanParquetColumns(this.parquetPath, this.arrow.dictionaryColumns, async (index, read) => {
        if (takenFrom.has(index)) await collectTaken(index)
        else this.arrow.collect(await read())
      }).catch((error: unknown) => {
        if (error instanceof PreviousFilesUnreadable) throw error
        throw new ParquetUnreadable({ file, problem: `could not be read as Parquet (${error instanceof Error ? error.message : String(error)})` })
      })
      const parquetContent = await readParquetContent(this.table, file, this.parquetPath, { expected: digest, taken }, async (index, chunks) =>
        chunks === undefined ? this.arrow.writeTaken(await takenBatch(index)) : this.arrow.writeColumns(chunks))
      if ("problem" in parquetContent) throw new ParquetUnreadable(parquetContent.problem)
      const indices = this.identity === undefined ? [] : this.arrow.groupIndices(this.places.length)
      const arrow = await this.arrow.close()
      const written = this.identity === undefined ? [] : this.parquet.groups
      const groups = this.identity === undefined ? undefined : this.places.map((place, i) => ({ ...place, parquet: written[i]!, dictionaryIndices: indices[i]! }))
      this.parquet.release()
      return { table: this.table, digest, files: { csv, arrow, parquet }, parquetContent, groups, taken }
    } finally {
      await previous?.close()
    }
  }

  /** Leaves the files unfinished, closing what is open (after a failure: the staging folder goes next). */
  abandon(): void {
    this.closed = true
    this.arrow.abandon()
    this.csv.abandon()
    this.parquet.abandon()
  }
}
