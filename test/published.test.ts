// The committed seed dataset, read as a researcher's tools would: checksums, descriptor, and the Arrow
// files against the CSV files.
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import * as Arrow from "apache-arrow"
import { parse } from "csv-parse/sync"
import { parse as parseYaml } from "yaml"
import { publishedTables } from "../schemas/index.ts"
import { projectRoot } from "./support.ts"
import { checkParquet } from "../pipeline/publish/parquet.ts"
import { decodeCsv } from "../pipeline/publish/csv.ts"

const card = parseYaml(readFileSync(join(projectRoot, "raw/dataset.yaml"), "utf8")) as { name: string; version: string }
const base = join(projectRoot, "dist-data", card.name, card.version)
const read = (path: string) => readFileSync(join(base, path))
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

interface ManifestFile { path: string; sha256: string; bytes: number; rows?: number }
const manifest = JSON.parse(read("manifest.json").toString("utf8")) as { files: Array<ManifestFile> }
const datapackage = JSON.parse(read("datapackage.json").toString("utf8")) as {
  resources: Array<{ name: string; path: string; hash: string; bytes: number; schema?: { fields: Array<{ name: string; type: string }> } }>
}

describe("the committed seed dataset", () => {
  it("has every file the manifest lists, with its checksum and size", () => {
    for (const file of manifest.files) {
      const bytes = read(file.path)
      expect(sha256(bytes), file.path).toBe(file.sha256)
      expect(bytes.length, file.path).toBe(file.bytes)
    }
  })

  it("lists every table three times in datapackage.json (CSV with its Table Schema, Arrow, Parquet), with true hashes", () => {
    const names = datapackage.resources.map((resource) => resource.name)
    for (const table of publishedTables) {
      expect(names).toContain(table.name)
      expect(names).toContain(`${table.name}-arrow`)
      expect(names).toContain(`${table.name}-parquet`)
    }
    for (const resource of datapackage.resources) {
      expect(resource.hash).toBe(`sha256:${sha256(read(resource.path))}`)
    }
  })

  for (const table of publishedTables) {
    it(`${table.name}: the Arrow file holds the same rows and typed columns as the CSV file`, () => {
      const csvRows = parse(read(`csv/${table.name}.csv`), { columns: true }) as Array<Record<string, string>>
      const arrow = Arrow.tableFromIPC(read(`arrow/${table.name}.arrow`))
      expect(arrow.schema.fields.map((field) => field.name)).toEqual(table.columns.map((column) => column.name))
      expect(arrow.numRows).toBe(csvRows.length)
      const expectedTypes = { string: "Utf8", id: "Dictionary<Int32, Utf8>", integer: "Int32", number: "Float64", boolean: "Bool" }
      expect(arrow.schema.fields.map((field) => String(field.type))).toEqual(table.columns.map((column) => expectedTypes[column.meta.kind]))
      arrow.toArray().forEach((row, index) => {
        const arrowRow = row.toJSON() as Record<string, unknown>
        const csvRow = csvRows[index]!
        for (const { name } of table.columns) {
          const value = arrowRow[name]
          expect(value === null ? "" : String(value), `${table.name} row ${index} ${name}`).toBe(csvRow[name])
        }
      })
    })
  }

  for (const table of publishedTables) {
    it(`${table.name}: the Parquet file holds the same rows and typed columns as the CSV file`, async () => {
      const { records } = decodeCsv(table, read(`csv/${table.name}.csv`).toString("utf8"))
      expect(await checkParquet(table, `parquet/${table.name}.parquet`, read(`parquet/${table.name}.parquet`), records)).toBeUndefined()
    })
  }
})
