// Validates a published dataset version, in this order: the manifest's checksums, datapackage.json, then
// each table's CSV file (with its keys and offsets against the tables read before it), its other formats,
// and last the totals that need every table. Every problem is collected; none stops the run.
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import type { Table } from "../../schemas/table.ts"
import { checkCsvTable } from "./csv.ts"
import { checkDataPackage, checkManifest, DATAPACKAGE, type Manifest, MANIFEST, tableFile, tablesListed } from "./descriptors.ts"
import { type FileFacts, measureFolder, readOptionalText } from "./folder.ts"
import { formatChecks } from "./formats.ts"
import { type CrossTableChecks, crossTableChecks, readingOrder } from "./keys.ts"
import { Problems } from "./problems.ts"

export interface ValidateOptions {
  /** How many problems to keep and show; the rest are only counted. */
  readonly maxProblems?: number
  /** Called with one line per file checked. */
  readonly progress?: (line: string) => void
}

export interface Validation {
  readonly files: number
  /** Data rows of every CSV table. */
  readonly rows: number
  readonly problems: Problems
}

/** The table's files in every format, where the dataset lists them. */
const filesOf = (table: Table<any>, listed: ReadonlySet<string>): ReadonlyArray<string> =>
  ["csv", ...formatChecks.map(({ format }) => format)].map((format) => tableFile(table.name, format)).filter((path) => listed.has(path))

/** The rows the manifest states for each of a table's files, against the rows its CSV file has. */
const checkStatedRows = (manifest: Manifest | undefined, files: ReadonlyArray<string>, csvFile: string, rows: number, problems: Problems) => {
  for (const entry of manifest?.files ?? []) {
    if (files.includes(entry.path) && entry.rows !== undefined && entry.rows !== rows) {
      problems.add({ file: entry.path, problem: `${MANIFEST} says ${entry.rows} rows, ${csvFile} has ${rows}` })
    }
  }
}

interface Context {
  readonly dir: string
  readonly folder: ReadonlyMap<string, FileFacts>
  readonly listed: ReadonlySet<string>
  readonly manifest: Manifest | undefined
  readonly crossTable: CrossTableChecks
  readonly problems: Problems
  readonly progress: (line: string) => void
}

/** A table's CSV file, then its other formats against it; returns the CSV's data rows. */
const checkTable = async (table: Table<any>, { dir, folder, listed, manifest, crossTable, problems, progress }: Context): Promise<number> => {
  const csvFile = tableFile(table.name, "csv")
  if (!folder.has(csvFile)) {
    crossTable.unreadable(table) // and already reported as missing
    return 0
  }
  const csv = await checkCsvTable(table, csvFile, join(dir, csvFile), crossTable.visitorsFor(table), problems)
  progress(`checked ${csvFile} (${csv.rows} rows)`)
  if (csv.digests === undefined) crossTable.unreadable(table)
  else checkStatedRows(manifest, filesOf(table, listed), csvFile, csv.rows, problems)
  for (const format of formatChecks) {
    const file = tableFile(table.name, format.format)
    if (!listed.has(file) || !folder.has(file)) continue
    const bytes = await readFile(join(dir, file))
    await format.check({ table, file, bytes, csv }, (problem) => problems.add(problem))
    progress(`checked ${file}`)
  }
  return csv.rows
}

export const validateDataset = async (dir: string, options: ValidateOptions = {}): Promise<Validation> => {
  const problems = new Problems(options.maxProblems ?? 50)
  const progress = options.progress ?? (() => {})

  const folder = await measureFolder(dir)
  const manifest = checkManifest(await readOptionalText(join(dir, MANIFEST)), folder, problems)
  progress(`checked ${MANIFEST} (${folder.size} files, their sizes and SHA-256)`)
  // Without a usable manifest, the files in the folder stand for what it would list.
  const listed = new Set(manifest?.files.map((file) => file.path) ?? folder.keys())

  const requiredFormats = formatChecks.filter((format) => format.required).map((format) => format.format)
  const tables = tablesListed(listed, requiredFormats, problems)
  const tableFiles = tables.flatMap((table) => filesOf(table, listed).map((path) => ({ table, path })))
  checkDataPackage(await readOptionalText(join(dir, DATAPACKAGE)), folder, tableFiles, manifest, problems)
  progress(`checked ${DATAPACKAGE}`)

  const crossTable = crossTableChecks(tables, problems)
  let rows = 0
  for (const table of readingOrder(tables)) {
    rows += await checkTable(table, { dir, folder, listed, manifest, crossTable, problems, progress })
  }
  crossTable.finish()
  return { files: folder.size, rows, problems }
}
