// Row groups taken from a table's previous files. In a table ordered by doc_id, a row group's rows are
// those of a run of documents (row-groups.ts: its boundaries depend on those documents alone), and a
// document's rows are fixed by its per-document cache key. So a group that holds the same rows of the
// same documents, by their keys, as a group of the table's previous files holds the same rows: its
// CSV lines and its Parquet bytes are taken as they are, and its digest block as the previous digest
// has it, instead of validating, digesting and encoding the rows again (what a re-run after adding a
// document mostly did).
//
// A table whose rows come in units other than documents (groups of documents: an outlet's, a camp's;
// row-groups.ts) knows each unit by its rows' content instead (contentKey): a group of documents'
// figures may change with any document of the corpus (an entity's most frequent name), so what its
// rows are made from cannot say they are the same.
//
// As a group's rows come, they are compared with the previous group that starts where this one does:
// while they agree, the rows wait; once they do not, they are written as usual and the group is new.
// A group that ends as its match did is taken.
import { createHash } from "node:crypto"
import { closeSync, openSync, readSync } from "node:fs"
import type { TableDigest } from "./digest.ts"
import type { WrittenRowGroup } from "./parquet.ts"
import type { RowGroupLimits } from "./row-groups.ts"

/**
 * A document's rows in a row group: the document's key (null where it is not known: such a group is
 * never taken), the first of its rows that the group holds, and how many.
 */
export interface GroupDocument {
  readonly key: string | null
  readonly start: number
  rows: number
}

/** Where a row group lies in its table's files, and which documents' rows it holds. */
export interface GroupPlace {
  readonly documents: ReadonlyArray<GroupDocument>
  /** Its CSV lines' bytes: from `csv[0]` to before `csv[1]`. */
  readonly csv: readonly [number, number]
  readonly parquet: WrittenRowGroup
  /**
   * Per dictionary column of its Arrow record batch, the dictionary indices its rows use, each once, in
   * the order they first appear: a run taking the group gathers its dictionary values from these
   * (and the file's dictionaries) without reading the batch.
   */
  readonly dictionaryIndices?: ReadonlyArray<Int32Array>
}

/** What a table's row groups are made from, besides their documents: the table, the code, the codebooks it reads. */
export interface GroupIdentity {
  readonly context: string
  /** A document's per-document cache key (undefined if it is not known). */
  readonly documentKey: (docId: string) => string | undefined
}

/** A table's files as a previous run published them, with its row groups' places. */
export interface PreviousGroups {
  readonly context: string
  readonly limits: RowGroupLimits
  readonly digest: TableDigest
  readonly groups: ReadonlyArray<GroupPlace>
  /** The files. */
  readonly csvPath: string
  readonly parquetPath: string
  readonly arrowPath: string
}

/** A previous group that the group being gathered may turn out to be. */
export interface Candidate {
  /** Its place in the previous files' groups. */
  readonly index: number
  readonly place: GroupPlace
}

const startKey = (key: string, start: number) => `${start} ${key}`

/** The previous groups, found by the document (and row of it) they start at. */
export class PreviousGroupIndex {
  private readonly byStart = new Map<string, number>()

  constructor(readonly previous: PreviousGroups) {
    previous.groups.forEach((place, index) => {
      const first = place.documents[0]
      const rows = place.documents.reduce((sum, document) => sum + document.rows, 0)
      // A group whose rows are not its digest block's is never taken.
      if (first === undefined || first.key === null || rows !== previous.digest.blockRows[index]) return
      this.byStart.set(startKey(first.key, first.start), index)
    })
  }

  /** The previous group that starts at row `start` of the document `key`. */
  startingAt(key: string | null, start: number): Candidate | undefined {
    if (key === null) return undefined
    const index = this.byStart.get(startKey(key, start))
    return index === undefined ? undefined : { index, place: this.previous.groups[index]! }
  }
}

const sameDocument = (a: GroupDocument, b: GroupDocument | undefined): boolean =>
  b !== undefined && a.key !== null && a.key === b.key && a.start === b.start && a.rows === b.rows

/**
 * Whether the documents gathered so far can still become the candidate's, checked after every row (so
 * the documents before the last two were checked before): the one before the last the same, the last
 * the same document from the same row, with no more rows than it.
 */
export const stillMatches = (gathered: ReadonlyArray<GroupDocument>, candidate: Candidate): boolean => {
  const { documents } = candidate.place
  const last = gathered.length - 1
  if (last < 0) return true
  if (last > 0 && !sameDocument(gathered[last - 1]!, documents[last - 1])) return false
  const current = gathered[last]!
  const theirs = documents[last]
  return theirs !== undefined && current.key !== null && current.key === theirs.key && current.start === theirs.start && current.rows <= theirs.rows
}

/** Whether the group gathered, now ended, holds exactly the candidate's rows. */
export const matchesWhole = (gathered: ReadonlyArray<GroupDocument>, candidate: Candidate): boolean =>
  gathered.length === candidate.place.documents.length && gathered.every((document, i) => sameDocument(document, candidate.place.documents[i]))

/**
 * A value as contentKey writes it: a string with its length before it, a number with -0 and NaN as the
 * files tell them apart, and the kind of every value marked, so that no two rows write alike.
 */
const keyValue = (value: unknown): string => {
  switch (typeof value) {
    case "string":
      return `s${value.length}:${value}`
    case "number":
      return Object.is(value, -0) ? "n-0" : `n${value}`
    case "boolean":
      return value ? "t" : "f"
    default:
      return value === null ? "z" : "u"
  }
}

/** The SHA-256 of rows' values, column by column: rows that key alike are written alike. */
export const contentKey = (rows: ReadonlyArray<object>, names: ReadonlyArray<string>): string => {
  let text = ""
  for (const row of rows) {
    const record = row as Record<string, unknown>
    for (const name of names) text += `${keyValue(record[name])},`
    text += "\n"
  }
  return createHash("sha256").update(text).digest("hex")
}

/** Bytes `start` to before `end` of a file. */
export const readRange = (path: string, start: number, end: number): Uint8Array => {
  const bytes = new Uint8Array(end - start)
  const fd = openSync(path, "r")
  try {
    for (let done = 0; done < bytes.byteLength;) {
      const read = readSync(fd, bytes, done, bytes.byteLength - done, start + done)
      if (read === 0) throw new Error(`${path} ended at byte ${start + done}, before ${end}`)
      done += read
    }
  } finally {
    closeSync(fd)
  }
  return bytes
}
