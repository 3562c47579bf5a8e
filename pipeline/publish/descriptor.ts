// datapackage.json (Frictionless Data Package v2) and manifest.json, both derived from the table schemas
// and the files actually written. No timestamps: the same inputs give the same bytes.
import type { ColumnKind, Table } from "../../schemas/table.ts"
import type { DatasetCard } from "../../schemas/inputs/dataset.ts"
import type { Figure } from "../figures.ts"

export interface RenderedFile {
  /** Path inside the version folder, with forward slashes. */
  readonly path: string
  readonly sha256: string
  /** Size in bytes. */
  readonly size: number
  /** Data rows, for table files. */
  readonly rows?: number
  readonly table?: string
}

const frictionlessType = (kind: ColumnKind): string =>
  kind === "id" ? "string" : kind

export const tableSchema = (table: Table<any>) => ({
  fields: table.columns.map(({ name, meta }) => ({
    name,
    type: frictionlessType(meta.kind),
    description: [meta.description, meta.unit ? `Unit: ${meta.unit}.` : "", meta.formula ? `Formula: ${meta.formula}.` : ""]
      .filter((part) => part !== "").join(" "),
    constraints: {
      required: !meta.nullable,
      ...(meta.values ? { enum: [...meta.values] } : {}),
      ...(meta.minimum !== undefined ? { minimum: meta.minimum } : {}),
      ...(meta.maximum !== undefined ? { maximum: meta.maximum } : {})
    }
  })),
  missingValues: [""],
  primaryKey: [...table.primaryKey],
  ...(table.foreignKeys && table.foreignKeys.length > 0
    ? {
      foreignKeys: table.foreignKeys.map((key) => ({
        fields: [...key.fields],
        reference: { resource: key.table, fields: [...key.reference] }
      }))
    }
    : {})
})

const fileOf = (files: ReadonlyArray<RenderedFile>, path: string): RenderedFile => {
  const file = files.find((candidate) => candidate.path === path)
  if (file === undefined) throw new Error(`no rendered file ${path}`)
  return file
}

/** What every resource says about its file: where it is, what it is, and how to check it. */
const fileResource = (file: RenderedFile, about: { name: string; format: string; mediatype: string; title: string; description: string }) => ({
  name: about.name,
  path: file.path,
  format: about.format,
  mediatype: about.mediatype,
  title: about.title,
  description: about.description,
  bytes: file.size,
  hash: `sha256:${file.sha256}`
})

const tableResources = (table: Table<any>, files: ReadonlyArray<RenderedFile>) => {
  const csv = fileOf(files, `csv/${table.name}.csv`)
  const sameRows = `the same rows, columns and order as ${csv.path}`
  return [
    {
      ...fileResource(csv, { name: table.name, format: "csv", mediatype: "text/csv", title: table.title, description: table.description }),
      type: "table",
      encoding: "utf-8",
      dialect: { header: true, delimiter: ",", lineTerminator: "\r\n", quoteChar: "\"", doubleQuote: true },
      schema: tableSchema(table)
    },
    fileResource(fileOf(files, `arrow/${table.name}.arrow`), {
      name: `${table.name}-arrow`,
      format: "arrow",
      mediatype: "application/vnd.apache.arrow.file",
      title: `${table.title} (Arrow)`,
      description: `The ${table.name} table in Arrow IPC file format: ${sameRows}.`
    }),
    fileResource(fileOf(files, `parquet/${table.name}.parquet`), {
      name: `${table.name}-parquet`,
      format: "parquet",
      mediatype: "application/vnd.apache.parquet",
      title: `${table.title} (Parquet)`,
      description: `The ${table.name} table in Apache Parquet format: ${sameRows}.`
    })
  ]
}

const figureResource = (figure: Figure, files: ReadonlyArray<RenderedFile>) =>
  fileResource(fileOf(files, `figures/${figure.name}.svg`), {
    name: `figure-${figure.name}`,
    format: "svg",
    mediatype: "image/svg+xml",
    title: figure.title,
    description: figure.description
  })

export const dataPackage = (
  dataset: DatasetCard,
  tables: ReadonlyArray<Table<any>>,
  files: ReadonlyArray<RenderedFile>,
  figures: ReadonlyArray<Figure>
) => ({
  $schema: "https://datapackage.org/profiles/2.0/datapackage.json",
  name: dataset.name,
  title: dataset.title,
  description: dataset.description,
  version: dataset.version,
  licenses: [{ name: dataset.licence.data, title: `Derived tables: ${dataset.licence.data}. Texts: ${dataset.licence.texts}` }],
  ...(dataset.citation.authors ? { contributors: dataset.citation.authors.map((title) => ({ title, roles: ["creator"] })) } : {}),
  resources: [
    ...tables.flatMap((table) => tableResources(table, files)),
    ...figures.map((figure) => figureResource(figure, files))
  ]
})

export interface Provenance {
  readonly inputs: ReadonlyArray<{ readonly path: string; readonly sha256: string }>
  readonly codebooks: ReadonlyArray<{ readonly name: string; readonly version: string; readonly path: string; readonly sha256: string; readonly origin: "corpus" | "bundled" }>
  readonly parameters: Readonly<Record<string, unknown>>
  readonly software: Readonly<Record<string, string>>
}

export const manifest = (dataset: DatasetCard, files: ReadonlyArray<RenderedFile>, provenance: Provenance) => ({
  dataset: { name: dataset.name, version: dataset.version },
  files: [...files]
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((file) => ({
      path: file.path,
      sha256: file.sha256,
      bytes: file.size,
      ...(file.rows === undefined ? {} : { rows: file.rows })
    })),
  inputs: provenance.inputs,
  codebooks: provenance.codebooks,
  parameters: provenance.parameters,
  software: provenance.software
})

export const jsonBytes = (value: unknown): Uint8Array => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`)
