// What each published table's content depends on, as a key of the table store (table-store.ts): the
// documents' annotations (each by its per-document cache key, in doc_id order), the codebooks the table
// reads besides, and the code. Two runs whose keys for a table agree publish the same bytes for it, so
// the second can take the first's files. The framing and naming codebooks reach only the tables that
// read them: after editing frames.yaml, every other table is taken as it was.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import type { Table } from "../schemas/table.ts"
import { cacheKey } from "./cache.ts"
import { documentCacheKey } from "./document.ts"
import { sha256 } from "./ingest.ts"
import type { SourceRow } from "../schemas/inputs/sources.ts"

/** The codebooks, beyond the documents' annotations, whose content each measure table reads. */
const codebooksRead: Readonly<Record<string, ReadonlyArray<string>>> = {
  frame_lexicon: ["frames"],
  frame_hits: ["frames"],
  frame_scores: ["frames"],
  naming_variants: ["naming"]
}

/** Tables that do not depend on the documents at all. */
const documentFree = new Set(["frame_lexicon"])

export interface TableKeyInputs {
  readonly rawDir: string
  readonly sources: ReadonlyArray<{ readonly row: SourceRow }>
  readonly inputsKey: string
  readonly codeKey: string
  /** The codebooks' files, by name (boilerplate, gazetteer, frames, naming), with their SHA-256. */
  readonly codebookFiles: ReadonlyArray<{ readonly name: string; readonly sha256: string }>
}

/**
 * The documents' cache keys, in order; undefined if a text cannot be read (the run then reports it,
 * and takes no table from the store).
 */
const documentKeys = (inputs: TableKeyInputs): Array<string> | undefined => {
  const keys: Array<string> = []
  for (const { row } of inputs.sources) {
    let bytes: Buffer
    try {
      bytes = readFileSync(join(inputs.rawDir, "texts", row.file))
    } catch {
      return undefined
    }
    keys.push(documentCacheKey({ source: row, sha256: sha256(bytes) }, inputs.inputsKey, inputs.codeKey))
  }
  return keys
}

/** Each table's key in the store, or an empty map if the documents' keys cannot be worked out. */
export const tableKeys = (tables: ReadonlyArray<Table<any>>, inputs: TableKeyInputs): Map<Table<any>, string> => {
  const keys = documentKeys(inputs)
  if (keys === undefined) return new Map()
  const documents = cacheKey(keys)
  const codebook = (name: string) => inputs.codebookFiles.find((file) => file.name === name)?.sha256 ?? null
  return new Map(tables.map((table) => [
    table,
    cacheKey(
      "published-table",
      table.name,
      inputs.codeKey,
      documentFree.has(table.name) ? null : documents,
      (codebooksRead[table.name] ?? []).map((name) => [name, codebook(name)])
    )
  ]))
}
