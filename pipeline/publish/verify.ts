// Reads a written table back from each of its files, as a researcher's tools would, without holding
// the file in memory: CSV and Arrow as content.ts reads them, Parquet a row group at a time. Each file's
// rows are digested (digest.ts) and the digest must equal the one taken from the rows when they were
// appended, after validation: the file then holds exactly those rows.
import { parquetMetadataAsync } from "hyparquet"
import type { TableLayout } from "./layout.ts"
import { compareContent, type FileContent, firstRowNumber, readArrowContent, type ReadbackPlan, readCsvContent, schemaProblem, type TableFormat, tableFile } from "./content.ts"
import { RowDigest, type TableDigest } from "./digest.ts"
import { type ColumnChunks, parquetTypes, readColumnChunks, withParquetFile } from "./parquet.ts"
import type { ReadbackProblem } from "./readback.ts"

export { compareContent, type FileContent, readArrowContent, type ReadbackPlan, readCsvContent, TABLE_FORMATS, type TableFormat, type TakenGroup, tableFile } from "./content.ts"

/** An error of the consumer of the rows read, passed through as it is. */
class Downstream extends Error {
  constructor(override readonly cause: unknown) {
    super("the consumer of the rows read failed")
  }
}

/** Digests the rows of a row group given as columns. */
const digestColumns = (digest: RowDigest, { columns, rows }: ColumnChunks): void => {
  const values = new Array<unknown>(columns.length)
  for (let row = 0; row < rows; row++) {
    for (let i = 0; i < columns.length; i++) values[i] = columns[i]![row]
    digest.addValues(values)
  }
}

/**
 * The Parquet file's schema and rows, a row group at a time, but the groups `taken` (not read); each
 * group's columns (in the table's order; none for a group taken) are also handed to `onGroup`, in
 * order (publish writes the Arrow file from them).
 */
export const readParquetContent = async (
  table: TableLayout,
  file: string,
  path: string,
  { expected, taken = [] }: ReadbackPlan,
  onGroup?: (group: number, chunks: ColumnChunks | undefined) => Promise<void>
): Promise<FileContent> => {
  try {
    return await withParquetFile(path, async (buffer): Promise<FileContent> => {
      const metadata = await parquetMetadataAsync(buffer)
      const types = parquetTypes(table)
      const describe = (name: string, type: string, nullable: boolean) => `${name}:${type}${nullable ? " OPTIONAL" : ""}`
      const problem = schemaProblem(
        file,
        metadata.schema.slice(1).map((element) =>
          describe(element.name, element.logical_type === undefined ? String(element.type) : `${element.type}/${element.logical_type.type}`, element.repetition_type !== "REQUIRED")
        ),
        table.columns.map(({ name, meta }, i) => describe(name, types[i] ?? "", meta.nullable))
      )
      if (problem !== undefined) return { problem }
      const digest = RowDigest.reading(expected, taken)
      const names = table.columns.map(({ name }) => name)
      const skipped = new Set(taken.map(({ index }) => index))
      let rowStart = 0
      for (const [index, group] of metadata.row_groups.entries()) {
        const rowEnd = rowStart + Number(group.num_rows)
        const chunks = skipped.has(index) ? undefined : await readColumnChunks(buffer, metadata, rowStart, rowEnd, names)
        if (chunks !== undefined) digestColumns(digest, chunks)
        if (onGroup !== undefined) {
          try {
            await onGroup(index, chunks)
          } catch (error) {
            throw new Downstream(error)
          }
        }
        rowStart = rowEnd
      }
      return { digest: digest.result() }
    })
  } catch (error) {
    if (error instanceof Downstream) throw error.cause // not the file's fault
    return { problem: { file, problem: `could not be read as Parquet (${error instanceof Error ? error.message : String(error)})` } }
  }
}

const readers: Record<TableFormat, (table: TableLayout, file: string, path: string, plan: ReadbackPlan) => Promise<FileContent>> = {
  csv: readCsvContent,
  arrow: readArrowContent,
  parquet: readParquetContent
}

/** Reads one of a table's files back (`path` on disk) and checks it holds the rows digested as `expected`. */
export const verifyTableFile = async (table: TableLayout, format: TableFormat, path: string, expected: TableDigest): Promise<ReadbackProblem | undefined> => {
  const file = tableFile(table, format)
  return compareContent(file, await readers[format](table, file, path, { expected }), expected, firstRowNumber(format))
}
