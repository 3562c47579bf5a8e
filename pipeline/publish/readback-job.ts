// One file of a staged version read back: its bytes hashed, and for a table's CSV or Arrow file its rows
// read as that format and compared with the rows appended (content.ts). Jobs and their outcomes are plain
// data, so that a worker thread can run them (readback-worker.ts) as well as the main thread, with the
// same outcome; publish.ts turns the outcomes into the first problem to report.
import type { ReadbackProblem } from "./readback.ts"
import type { TableDigest } from "./digest.ts"
import type { TableLayout } from "./layout.ts"
import { compareContent, firstRowNumber, readArrowContent, readCsvContent, tableFile, type TakenGroup } from "./content.ts"
import { hashFile, type WrittenFile } from "./sink.ts"

export interface ReadbackJob {
  /** The file's path in the version, which problems name. */
  readonly file: string
  /** Where it is on disk. */
  readonly path: string
  /** For a table's CSV or Arrow file: its rows, to compare with those appended. */
  readonly rows?: {
    readonly table: TableLayout
    readonly format: "csv" | "arrow"
    readonly expected: TableDigest
    /** Row groups taken as they were, whose rows are not read. */
    readonly taken?: ReadonlyArray<TakenGroup>
  }
}

/** A table file's rows as read back: the first thing wrong (if any), or an error that stopped the reading. */
export type RowsOutcome = { readonly problem: ReadbackProblem | undefined } | { readonly error: string }

export interface ReadbackOutcome {
  /** The file's SHA-256 and size as read; undefined if it could not be read. */
  readonly read: WrittenFile | undefined
  /** For a job with `rows`. */
  readonly rows?: RowsOutcome
}

const readers = { csv: readCsvContent, arrow: readArrowContent }

const checkRows = async ({ table, format, expected, taken }: NonNullable<ReadbackJob["rows"]>, path: string): Promise<RowsOutcome> => {
  const file = tableFile(table, format)
  try {
    return { problem: compareContent(file, await readers[format](table, file, path, { expected, taken }), expected, firstRowNumber(format)) }
  } catch (error) {
    return { error: String(error) }
  }
}

/** Never fails: whatever goes wrong is in the outcome. */
export const runReadbackJob = async (job: ReadbackJob): Promise<ReadbackOutcome> => {
  const read = await hashFile(job.path).catch(() => undefined)
  if (job.rows === undefined) return { read }
  return { read, rows: await checkRows(job.rows, job.path) }
}
