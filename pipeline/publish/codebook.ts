// The dataset's README.md is its codebook: what the corpus is, every table and column, how to load it,
// how to cite it, its licence and provenance. Everything is derived from the schemas and the run.
import type { Table } from "../../schemas/table.ts"
import type { DatasetCard } from "../../schemas/inputs/dataset.ts"
import type { Provenance } from "./descriptor.ts"
import type { Figure } from "../figures.ts"

export interface CodebookInput {
  readonly dataset: DatasetCard
  readonly tables: ReadonlyArray<{ readonly table: Table<any>; readonly rows: number }>
  readonly provenance: Provenance
  readonly figures: ReadonlyArray<Figure>
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
  `- Files: \`csv/${table.name}.csv\`, \`arrow/${table.name}.arrow\`, \`parquet/${table.name}.parquet\`.`,
  `- Primary key: ${table.primaryKey.map((key) => `\`${key}\``).join(", ")}. Rows ordered by ${table.orderedBy.map((key) => `\`${key}\``).join(", ")}.`,
  ...(table.foreignKeys ?? []).map((key) =>
    `- Foreign key: ${key.fields.map((field) => `\`${field}\``).join(", ")} → \`${key.table}\`.${key.reference.map((field) => `\`${field}\``).join(", ")}.`
  ),
  `- Written by the ${table.stage} stage.`,
  "",
  columnTable(table)
].join("\n")

export interface Snippet {
  readonly tool: string
  readonly language: string
  readonly code: string
}

/** How to load the dataset in each tool; test/snippets.test.ts runs the ones this machine can. */
export const loadingSnippets = (folder: string): ReadonlyArray<Snippet> => [
  {
    tool: "Python (pandas; pyarrow for the Arrow files)",
    language: "python",
    code: [
      "import pandas as pd",
      `base = "${folder}"`,
      'documents = pd.read_csv(f"{base}/csv/documents.csv", keep_default_na=False, na_values=[""])',
      'frames = pd.read_csv(f"{base}/csv/frame_scores.csv", keep_default_na=False, na_values=[""])',
      'print(frames[frames.level == "camp"].pivot(index="frame_id", columns="unit", values="per_1k"))',
      "# with pyarrow installed, the Arrow files keep every column's type:",
      '# import pyarrow as pa; tokens = pa.ipc.open_file(f"{base}/arrow/tokens.arrow").read_all().to_pandas()'
    ].join("\n")
  },
  {
    tool: "Python (polars)",
    language: "python",
    code: [
      "import polars as pl",
      `base = "${folder}"`,
      'tokens = pl.read_ipc(f"{base}/arrow/tokens.arrow")',
      'naming = pl.read_csv(f"{base}/csv/naming_variants.csv")',
      'print(naming.filter(pl.col("concept") == "capital_of_ukraine"))'
    ].join("\n")
  },
  {
    tool: "R (arrow)",
    language: "r",
    code: [
      "library(arrow)",
      `base <- "${folder}"`,
      'documents <- read_ipc_file(file.path(base, "arrow", "documents.arrow"))',
      'keyness <- read_csv_arrow(file.path(base, "csv", "keyness.csv"))'
    ].join("\n")
  },
  {
    tool: "DuckDB (SQL)",
    language: "sql",
    code: [
      "SELECT unit AS camp, frame_id, per_1k, ci_low, ci_high",
      `FROM '${folder}/parquet/frame_scores.parquet'`,
      "WHERE level = 'camp'",
      "ORDER BY camp, per_1k DESC;"
    ].join("\n")
  },
  {
    tool: "TypeScript / JavaScript (apache-arrow)",
    language: "ts",
    code: [
      'import { readFileSync } from "node:fs"',
      'import { tableFromIPC } from "apache-arrow"',
      `const base = "${folder}"`,
      'const entities = tableFromIPC(readFileSync(`${base}/arrow/entities.arrow`))',
      "console.log(entities.numRows, entities.schema.fields.map((field) => field.name).join(\", \"))"
    ].join("\n")
  }
]

const loading = (dataset: DatasetCard): string => [
  `Paths are relative to the repository root; inside this folder, use \`.\` as the base.`,
  "",
  ...loadingSnippets(`dist-data/${dataset.name}/${dataset.version}`).flatMap((snippet) => [
    `${snippet.tool}:`,
    "",
    "```" + snippet.language,
    snippet.code,
    "```",
    ""
  ]),
  "Empty CSV fields are missing values (null in Arrow). Offsets (`start`, `end`) are UTF-16 code units into `texts.text_clean`",
  "(JavaScript string indices; in Python, equal to code-point indices for text without characters outside the Basic Multilingual Plane)."
].join("\n")

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

const figuresSection = (figures: ReadonlyArray<Figure>): ReadonlyArray<string> =>
  figures.length === 0
    ? []
    : ["## Figures", "", ...figures.flatMap((figure) => [`### ${figure.title}`, "", `![${figure.title}](figures/${figure.name}.svg)`, "", figure.description, ""])]

export const renderCodebook = ({ dataset, tables, provenance, figures, sections = [] }: CodebookInput): string => [
  `# ${dataset.title}`,
  "",
  `\`${dataset.name}\`, version ${dataset.version}.`,
  "",
  dataset.description,
  "",
  ...(dataset.limitations && dataset.limitations.length > 0
    ? ["## What this corpus is and is not", "", ...dataset.limitations.map((limitation) => `- ${limitation}`), ""]
    : []),
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
  ...figuresSection(figures),
  ...sections.flatMap((section) => [`## ${section.title}`, "", section.body, ""]),
  "## Tables",
  "",
  "Every table comes three times, with the same rows in the same order: CSV (RFC 4180, UTF-8), Arrow IPC file (categorical columns dictionary-encoded) and Parquet (Snappy).",
  "`datapackage.json` describes every file as a Frictionless Data Package (v2); `manifest.json` lists every file's SHA-256 and row count.",
  "",
  ...tables.flatMap((entry) => [tableSection(entry), ""]),
  "## Provenance",
  "",
  provenanceSection(provenance),
  ""
].join("\n")
