// Steps 1 and 2: manifest.json and datapackage.json against the files actually in the folder. Pure: the
// folder comes in as its measured files, problems go out through `problems`.
import { Result, Schema } from "effect"
import { publishedTables } from "../../schemas/index.ts"
import type { Table } from "../../schemas/table.ts"
import { fieldProblems } from "../../schemas/inputs/issues.ts"
import { tableSchema } from "../publish/descriptor.ts"
import type { FileFacts } from "./folder.ts"
import { type Problems, quote } from "./problems.ts"

export const MANIFEST = "manifest.json"
export const DATAPACKAGE = "datapackage.json"

const ManifestSchema = Schema.Struct({
  dataset: Schema.Struct({ name: Schema.String, version: Schema.String }),
  files: Schema.Array(Schema.Struct({
    path: Schema.String,
    sha256: Schema.String,
    bytes: Schema.Int,
    rows: Schema.optionalKey(Schema.Int)
  }))
})
export type Manifest = typeof ManifestSchema.Type

const DataPackageSchema = Schema.Struct({
  name: Schema.String,
  version: Schema.String,
  resources: Schema.Array(Schema.Struct({
    name: Schema.String,
    path: Schema.String,
    bytes: Schema.Int,
    hash: Schema.String,
    schema: Schema.optionalKey(Schema.Unknown)
  }))
})

type Folder = ReadonlyMap<string, FileFacts>

const decodeJson = <S extends Schema.ConstraintDecoder<unknown>>(
  schema: S,
  file: string,
  text: string | undefined,
  problems: Problems
): S["Type"] | undefined => {
  if (text === undefined) {
    problems.add({ file, problem: "is missing" })
    return undefined
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    problems.add({ file, problem: `is not valid JSON (${(error as Error).message})` })
    return undefined
  }
  const decoded = Schema.decodeUnknownResult(schema)(json, { errors: "all" })
  if (Result.isSuccess(decoded)) return decoded.success
  for (const { field, message } of fieldProblems(decoded.failure)) problems.add({ file, at: field, problem: message })
  return undefined
}

/** Every file the manifest lists is there with its size and SHA-256, and every file there is listed. */
export const checkManifest = (text: string | undefined, folder: Folder, problems: Problems): Manifest | undefined => {
  const manifest = decodeJson(ManifestSchema, MANIFEST, text, problems)
  if (manifest === undefined) return undefined
  const listed = new Set<string>()
  for (const entry of manifest.files) {
    if (listed.has(entry.path)) problems.add({ file: MANIFEST, problem: `lists ${entry.path} twice` })
    listed.add(entry.path)
    const actual = folder.get(entry.path)
    if (actual === undefined) {
      problems.add({ file: entry.path, problem: `is missing (${MANIFEST} lists it)` })
    } else if (actual.bytes !== entry.bytes) {
      problems.add({ file: entry.path, problem: `is ${actual.bytes} bytes, ${MANIFEST} says ${entry.bytes}` })
    } else if (actual.sha256 !== entry.sha256) {
      problems.add({ file: entry.path, problem: `has SHA-256 ${actual.sha256}, ${MANIFEST} says ${entry.sha256}` })
    }
  }
  for (const path of folder.keys()) {
    if (path !== MANIFEST && !listed.has(path)) problems.add({ file: path, problem: `is not listed in ${MANIFEST}` })
  }
  return manifest
}

/** The file of a table in a format: csv/tokens.csv, arrow/tokens.arrow, parquet/tokens.parquet. */
export const tableFile = (table: string, format: string): string => `${format}/${table}.${format}`

/** A path of the form <format>/<name>.<format>, as every table file has. */
const asTableFile = (path: string): { readonly format: string; readonly name: string } | undefined => {
  const match = /^([a-z0-9]+)\/([^/]+)\.\1$/.exec(path)
  return match === null ? undefined : { format: match[1]!, name: match[2]! }
}

/**
 * The published tables the dataset has (any of their files listed), in the order of publishedTables.
 * Reports table files of unknown tables, and tables lacking a file in a required format.
 */
export const tablesListed = (
  listed: ReadonlySet<string>,
  requiredFormats: ReadonlyArray<string>,
  problems: Problems
): ReadonlyArray<Table<any>> => {
  const byName = new Map(publishedTables.map((table) => [table.name, table]))
  const names = new Set<string>()
  for (const path of listed) {
    const file = asTableFile(path)
    if (file === undefined) continue
    if (byName.has(file.name)) names.add(file.name)
    else problems.add({ file: path, problem: `is not a published table (schemas/index.ts has no table ${file.name})` })
  }
  const tables = publishedTables.filter((table) => names.has(table.name))
  for (const table of tables) {
    for (const format of ["csv", ...requiredFormats]) {
      const path = tableFile(table.name, format)
      if (!listed.has(path)) problems.add({ file: path, problem: `is missing, though the dataset has other files of the ${table.name} table` })
    }
  }
  return tables
}

/** datapackage.json: every resource's file is there with its bytes and hash, every table file has a resource, and each CSV resource's schema is the table's. */
export const checkDataPackage = (
  text: string | undefined,
  folder: Folder,
  tableFiles: ReadonlyArray<{ readonly table: Table<any>; readonly path: string }>,
  manifest: Manifest | undefined,
  problems: Problems
): void => {
  const descriptor = decodeJson(DataPackageSchema, DATAPACKAGE, text, problems)
  if (descriptor === undefined) return
  const report = (at: string, problem: string) => problems.add({ file: DATAPACKAGE, at, problem })
  if (manifest !== undefined) {
    if (descriptor.name !== manifest.dataset.name) report("name", `is ${quote(descriptor.name)}, ${MANIFEST} says ${quote(manifest.dataset.name)}`)
    if (descriptor.version !== manifest.dataset.version) report("version", `is ${quote(descriptor.version)}, ${MANIFEST} says ${quote(manifest.dataset.version)}`)
  }
  descriptor.resources.forEach((resource, index) => {
    const at = `resources.${index}`
    const actual = folder.get(resource.path)
    if (actual === undefined) return report(`${at}.path`, `${resource.path} does not exist`)
    if (resource.bytes !== actual.bytes) report(`${at}.bytes`, `is ${resource.bytes}, but ${resource.path} has ${actual.bytes} bytes`)
    if (resource.hash !== `sha256:${actual.sha256}`) report(`${at}.hash`, `is ${resource.hash}, but ${resource.path} has sha256:${actual.sha256}`)
  })
  for (const { table, path } of tableFiles) {
    const index = descriptor.resources.findIndex((resource) => resource.path === path)
    const resource = descriptor.resources[index]
    if (resource === undefined) {
      problems.add({ file: DATAPACKAGE, problem: `has no resource for ${path}` })
    } else if (path.startsWith("csv/") && JSON.stringify(resource.schema) !== JSON.stringify(tableSchema(table))) {
      report(`resources.${index}.schema`, `differs from the ${table.name} table declared in schemas/`)
    }
  }
}
