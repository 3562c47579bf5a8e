// The dataset's README.md is its codebook: what the corpus is, every table and column, how to load it,
// how to cite it, its licence and provenance. Everything is derived from the schemas and the run.
import type { Table } from "../../schemas/table.ts"
import type { DatasetCard } from "../../schemas/inputs/dataset.ts"
import type { Provenance } from "./descriptor.ts"

export interface CodebookInput {
  readonly dataset: DatasetCard
  readonly tables: ReadonlyArray<{ readonly table: Table<any>; readonly rows: number }>
  readonly provenance: Provenance
  /** Extra sections (measured quality, figures) rendered before the tables. */
  readonly sections?: ReadonlyArray<{ readonly title: string; readonly body: string }>
}

const escapeCell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ")

const kindLabel: Record<string, string> = {
  string: "string",
  id: "string (categorical)",
  integer: "integer",
  number: "number",
  boolean: "boolean"
}

const columnTable = (table: Table<any>): string => [
  "| column | type | missing | unit | description |",
  "|---|---|---|---|---|",
  ...table.columns.map(({ name, meta }) => {
    const description = [
      meta.description,
      meta.formula ? `Formula: ${meta.formula}.` : "",
      meta.values ? `Values: ${meta.values.map((value) => `\`${value}\``).join(", ")}.` : ""
    ].filter((part) => part !== "").join(" ")
    return `| \`${name}\` | ${kindLabel[meta.kind]} | ${meta.nullable ? "may be empty" : "never"} | ${meta.unit ?? ""} | ${escapeCell(description)} |`
  })
].join("\n")

const tableSection = ({ table, rows }: { table: Table<any>; rows: number }): string => [
  `### \`${table.name}\`: ${table.title}`,
  "",
  table.description,
  "",
  `- One row per ${table.rowPer}; ${rows.toLocaleString("en-US")} rows.`,
  `- Files: \`csv/${table.name}.csv\`, \`arrow/${table.name}.arrow\`.`,
  `- Primary key: ${table.primaryKey.map((key) => `\`${key}\``).join(", ")}. Rows ordered by ${table.orderedBy.map((key) => `\`${key}\``).join(", ")}.`,
  ...(table.foreignKeys ?? []).map((key) =>
    `- Foreign key: ${key.fields.map((field) => `\`${field}\``).join(", ")} → \`${key.table}\`.${key.reference.map((field) => `\`${field}\``).join(", ")}.`
  ),
  `- Written by the ${table.stage} stage.`,
  "",
  columnTable(table)
].join("\n")

const loading = (dataset: DatasetCard): string => {
  const folder = `dist-data/${dataset.name}/${dataset.version}`
  return [
    "Python (pandas, with pyarrow for the Arrow files):",
    "",
    "```python",
    "import pandas as pd, pyarrow as pa",
    `base = "${folder}"`,
    'sentences = pd.read_csv(f"{base}/csv/sentences.csv", keep_default_na=False, na_values=[""])',
    'documents = pa.ipc.open_file(f"{base}/arrow/documents.arrow").read_all().to_pandas()',
    "```",
    "",
    "R (arrow):",
    "",
    "```r",
    "library(arrow)",
    `base <- "${folder}"`,
    'documents <- read_ipc_file(file.path(base, "arrow", "documents.arrow"))',
    'sentences <- read_csv_arrow(file.path(base, "csv", "sentences.csv"))',
    "```",
    "",
    "TypeScript (apache-arrow):",
    "",
    "```ts",
    'import { readFileSync } from "node:fs"',
    'import { tableFromIPC } from "apache-arrow"',
    `const documents = tableFromIPC(readFileSync("${folder}/arrow/documents.arrow"))`,
    "console.log(documents.numRows, documents.schema.fields.map((field) => field.name))",
    "```",
    "",
    "Empty CSV fields are missing values (null in Arrow). Offsets (`start`, `end`) are UTF-16 code units into `texts.text_clean`",
    "(JavaScript string indices; in Python, equal to code-point indices for text without characters outside the Basic Multilingual Plane)."
  ].join("\n")
}

const provenanceSection = (provenance: Provenance): string => [
  "| input | SHA-256 |",
  "|---|---|",
  ...provenance.inputs.map((input) => `| \`${input.path}\` | \`${input.sha256}\` |`),
  "",
  "| codebook | version | from | SHA-256 |",
  "|---|---|---|---|",
  ...provenance.codebooks.map((codebook) =>
    `| \`${codebook.path}\` | ${codebook.version} | ${codebook.origin === "corpus" ? "the corpus folder" : "bundled default"} | \`${codebook.sha256}\` |`
  ),
  "",
  "Parameters: " + Object.entries(provenance.parameters).map(([key, value]) => `\`${key}\` = ${JSON.stringify(value)}`).join(", ") + ".",
  "",
  "Software: " + Object.entries(provenance.software).map(([name, version]) => `${name} ${version}`).join(", ") + "."
].join("\n")

export const renderCodebook = ({ dataset, tables, provenance, sections = [] }: CodebookInput): string => [
  `# ${dataset.title}`,
  "",
  `\`${dataset.name}\`, version ${dataset.version}.`,
  "",
  dataset.description,
  "",
  "## Licence",
  "",
  `- Derived tables (annotations, counts, measures): ${dataset.licence.data}.`,
  `- Texts: ${dataset.licence.texts}`,
  "",
  "## How to cite",
  "",
  `${dataset.citation.text} Version ${dataset.version}.`,
  "",
  "## Loading",
  "",
  loading(dataset),
  "",
  ...sections.flatMap((section) => [`## ${section.title}`, "", section.body, ""]),
  "## Tables",
  "",
  "`datapackage.json` describes every file as a Frictionless Data Package (v2); `manifest.json` lists every file's SHA-256 and row count.",
  "",
  ...tables.flatMap((entry) => [tableSection(entry), ""]),
  "## Provenance",
  "",
  provenanceSection(provenance),
  ""
].join("\n")
