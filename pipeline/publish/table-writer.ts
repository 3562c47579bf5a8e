// One table's three files (CSV, Arrow, Parquet), written as rows are appended. Each row is validated
// against the table's schema once, here, on its way into the files (the check "always at publish": the
// table's column predicates, and its schema's decoder for any row they turn down, to accept it after all
// or say what is wrong), and must not come before the previous row in the table's declared order; then
// it is digested (digest.ts) and written to the CSV and Parquet files. Row groups end where row-groups.ts
// ends them, and so do the digest's blocks: a block's digest stands for one row group's rows. On close, the Parquet file is read
// back a row group at a time, twice: its dictionary columns, for the Arrow file's dictionaries; then
// every column, whose rows' digest is the Parquet file's read-back check, each row group becoming one of
// the Arrow file's record batches.
// Memory is bounded by a row group (ROW_GROUP_LIMITS) while rows are appended; on close, one table's
// dictionaries are added.
import { join } from "node:path"
import { Result } from "effect"
import { compareRows, type Row, type Table } from "../../schemas/table.ts"
import { firstProblem } from "../../schemas/inputs/issues.ts"
import { ArrowTableWriter } from "./arrow.ts"
import { CsvTableWriter } from "./csv.ts"
import { RowDigest, type TableDigest } from "./digest.ts"
import { ParquetTableWriter, scanParquetColumns } from "./parquet.ts"
import { ROW_GROUP_LIMITS, RowGroupBoundaries, type RowGroupLimits } from "./row-groups.ts"
import type { ReadbackProblem } from "./readback.ts"
import { FileSink, type WrittenFile } from "./sink.ts"
import { type FileContent, readParquetContent, tableFile, type TableFormat } from "./verify.ts"

export interface WrittenTable {
  readonly table: Table<any>
  /** Of the rows appended. */
  readonly digest: TableDigest
  readonly files: Readonly<Record<TableFormat, WrittenFile>>
  /** What the Parquet file held when read back to write the Arrow file. */
  readonly parquetContent: FileContent
}

/** A table's CSV and Parquet files, finished; its Arrow file is written next, from the Parquet file. */
export interface ClosedFiles {
  /** Of the rows appended. */
  readonly digest: TableDigest
  readonly csv: WrittenFile
  readonly parquet: WrittenFile
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

export class TableWriter<T extends Table<any> = Table<any>> {
  private readonly csv: CsvTableWriter<T>
  private readonly arrow: ArrowTableWriter<T>
  private readonly parquet: ParquetTableWriter<T>
  private readonly digest = new RowDigest()
  private readonly boundaries: RowGroupBoundaries
  private readonly names: ReadonlyArray<string>
  private readonly compare: (a: Row<T>, b: Row<T>) => number
  private readonly parquetPath: string
  private previous: Row<T> | undefined
  private closed = false
  private filesClosed: ClosedFiles | undefined
  private closing: Promise<WrittenTable> | undefined

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
    this.boundaries = new RowGroupBoundaries(table, limits)
    this.names = table.columns.map(({ name }) => name)
    this.compare = compareRows(table)
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.digest.rows
  }

  /**
   * Validates, order-checks, digests and writes rows. Throws RowRejected for a row that cannot be
   * published (nothing of that row or after it is written).
   */
  append(rows: ReadonlyArray<Row<T>>): void {
    if (this.closed) throw new Error(`${this.table.name}: rows appended after the table was finished`)
    const { table, names, boundaries, digest } = this
    let accepted = 0
    /** Where row groups end among the rows accepted: after this many. */
    const groupEnds: Array<number> = []
    let failure: RowRejected | undefined
    for (const row of rows) {
      const number = digest.rows
      const rejection = table.passesColumnChecks(row) ? undefined : schemaRejection(table, row, number)
      if (rejection !== undefined) {
        failure = rejection
        break
      }
      if (this.previous !== undefined && this.compare(this.previous, row) > 0) {
        failure = new RowRejected(
          table.name,
          number,
          `(${keyOf(table, row)}) comes before the row above it (${keyOf(table, this.previous)}) in the table's order (${table.orderedBy.join(", ")})`
        )
        break
      }
      this.previous = row
      if (boundaries.takes(row as Record<string, unknown>)) {
        digest.endBlock()
        groupEnds.push(accepted)
      }
      digest.addRecord(row, names)
      accepted++
      if (boundaries.full()) {
        digest.endBlock()
        groupEnds.push(accepted)
      }
    }
    const valid = accepted === rows.length ? rows : rows.slice(0, accepted)
    this.csv.append(valid)
    let start = 0
    for (const end of groupEnds) {
      this.parquet.append(start === 0 && end === valid.length ? valid : valid.slice(start, end))
      this.parquet.endGroup()
      start = end
    }
    if (start < valid.length) this.parquet.append(start === 0 ? valid : valid.slice(start))
    if (failure !== undefined) throw failure
  }

  /**
   * Finishes the CSV and Parquet files (writing the last row group: the table then holds no rows in
   * memory); the table takes no more rows. `close` then writes the Arrow file.
   */
  closeFiles(): ClosedFiles {
    if (this.filesClosed !== undefined) return this.filesClosed
    this.closed = true
    this.previous = undefined
    this.filesClosed = { digest: this.digest.result(), csv: this.csv.close(), parquet: this.parquet.close() }
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
    const { digest, csv, parquet } = this.closeFiles()
    const file = tableFile(this.table, "parquet")
    await scanParquetColumns(this.parquetPath, this.arrow.dictionaryColumns, (chunks) => this.arrow.collect(chunks)).catch((error: unknown) => {
      throw new ParquetUnreadable({ file, problem: `could not be read as Parquet (${error instanceof Error ? error.message : String(error)})` })
    })
    const parquetContent = await readParquetContent(this.table, file, this.parquetPath, digest.blockRows, (chunks) => this.arrow.writeColumns(chunks))
    if ("problem" in parquetContent) throw new ParquetUnreadable(parquetContent.problem)
    const arrow = await this.arrow.close()
    return { table: this.table, digest, files: { csv, arrow, parquet }, parquetContent }
  }

  /** Leaves the files unfinished, closing what is open (after a failure: the staging folder goes next). */
  abandon(): void {
    this.closed = true
    this.arrow.abandon()
    this.csv.abandon()
    this.parquet.abandon()
  }
}
