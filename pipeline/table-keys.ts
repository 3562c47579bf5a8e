// What each published table's content depends on, as a key of the table store (table-store.ts): the
// documents' annotations (each by its per-document cache key, in doc_id order), the codebooks the table
// reads besides, and the code. Two runs whose keys for a table agree publish the same bytes for it, so
// the second can take the first's files. The framing and naming codebooks reach only the tables that
// read them: after editing frames.yaml, every other table is taken as it was.
import type { Table } from "../schemas/table.ts"
import { cacheKey } from "./cache.ts"
import { documentCacheKey } from "./document.ts"
import type { SourceRow } from "../schemas/inputs/sources.ts"
import type { GroupIdentity } from "./publish/group-reuse.ts"

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
  /** The SHA-256 of each text's raw bytes, by doc_id (hashRawTexts). */
  readonly hashes: ReadonlyMap<string, string>
  readonly sources: ReadonlyArray<{ readonly row: SourceRow }>
  readonly inputsKey: string
  readonly codeKey: string
  /** The codebooks' files, by name (boilerplate, gazetteer, frames, naming), with their SHA-256. */
  readonly codebookFiles: ReadonlyArray<{ readonly name: string; readonly sha256: string }>
}

/** The documents' cache keys, in order; undefined if a text's hash is not known. */
const documentKeys = (inputs: TableKeyInputs): Array<string> | undefined => {
  const keys: Array<string> = []
  for (const { row } of inputs.sources) {
    const sha256 = inputs.hashes.get(row.doc_id)
    if (sha256 === undefined) return undefined
    keys.push(documentCacheKey({ source: row, sha256 }, inputs.inputsKey, inputs.codeKey))
  }
  return keys
}

/** Each document's cache key by its doc_id; undefined if a text's hash is not known. */
export const documentKeysById = (inputs: TableKeyInputs): Map<string, string> | undefined => {
  const keys = documentKeys(inputs)
  return keys === undefined ? undefined : new Map(inputs.sources.map(({ row }, i) => [row.doc_id, keys[i]!]))
}

/** The codebooks a table reads, with their files' SHA-256. */
const codebooksOf = (table: Table<any>, inputs: TableKeyInputs) =>
  (codebooksRead[table.name] ?? []).map((name) => [name, inputs.codebookFiles.find((file) => file.name === name)?.sha256 ?? null])

/** Each table's key in the store, or an empty map if the documents' keys cannot be worked out. */
export const tableKeys = (tables: ReadonlyArray<Table<any>>, inputs: TableKeyInputs): Map<Table<any>, string> => {
  const keys = documentKeys(inputs)
  if (keys === undefined) return new Map()
  const documents = cacheKey(keys)
  return new Map(tables.map((table) => [
    table,
    cacheKey("published-table", table.name, inputs.codeKey, documentFree.has(table.name) ? null : documents, codebooksOf(table, inputs))
  ]))
}

/**
 * What each table's row groups are made from (publish/group-reuse.ts): the table, the code and the
 * codebooks it reads, and each document's key; an empty map if the documents' keys cannot be worked out.
 */
export const groupIdentities = (tables: ReadonlyArray<Table<any>>, inputs: TableKeyInputs): Map<Table<any>, GroupIdentity> => {
  const byDocId = documentKeysById(inputs)
  if (byDocId === undefined) return new Map()
  const documentKey = (docId: string) => byDocId.get(docId)
  return new Map(tables.map((table) => [table, { context: cacheKey("row-groups", table.name, inputs.codeKey, codebooksOf(table, inputs)), documentKey }]))
}
