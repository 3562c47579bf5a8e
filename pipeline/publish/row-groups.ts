// Where a table's row groups end: the Parquet file's row groups, which are also the Arrow file's record
// batches. A group ends
//   - after `limits.rows` rows, or after the row that brings the group's text (the UTF-16 length of its
//     string values) to `limits.chars`: the memory a table needs while it is written and read back
//     stays bounded, and a group of long texts stays small;
//   - in a table ordered by doc_id first, between two documents, after a document drawn by its own
//     doc_id and size: a document closes the group if a number drawn from its doc_id (the SHA-256's
//     first 32 bits, as a fraction) is below its weight, CLOSING_RATE times its rows and text as
//     fractions of the limits. So groups hold about 1/CLOSING_RATE of the limits, whatever the table's
//     rows per document; none closes so before it holds MIN_DOCUMENTS documents or half the limits
//     (a small corpus, such as the seed, keeps one group per table).
// A table whose rows come in other units (its `units` columns: a group of documents, such as an
// outlet's) has its groups closed between units in the same way, a unit standing for a document.
// Boundaries depend on the rows only, so the same rows give the same groups, whoever writes them. The
// boundaries between documents are content-defined: whether a document closes a group depends on that
// document alone (given that the group is not too small), not on row numbers or on other documents.
// Adding, changing or removing a document leaves every group before it as it was and, once the two
// layouts close at the same document again (usually the next that closes a group), every group after
// it: about one group of each table changes (what a re-run after adding documents can build on).
import { createHash } from "node:crypto"
import type { TableLayout } from "./layout.ts"

export interface RowGroupLimits {
  readonly rows: number
  readonly chars: number
}

export const ROW_GROUP_LIMITS: RowGroupLimits = { rows: 65_536, chars: 1 << 20 }

/** What the boundaries need to know of a table: its columns, and the units its rows come in. */
type GroupedTable = TableLayout & { readonly orderedBy?: ReadonlyArray<string>; readonly units?: ReadonlyArray<string> }

/** Groups close between documents at about 1/CLOSING_RATE of the limits. */
export const CLOSING_RATE = 2
/** No group closes between documents before it holds this many documents, or half the limits. */
export const MIN_DOCUMENTS = 16

/** The text a row adds to its group, by the row group limits' measure. */
export const rowChars = (record: Readonly<Record<string, unknown>>, names: ReadonlyArray<string>): number => {
  let chars = 0
  for (const name of names) {
    const value = record[name]
    if (typeof value === "string") chars += value.length
  }
  return chars
}

const checkLimits = (limits: RowGroupLimits): RowGroupLimits => {
  if (!(Number.isInteger(limits.rows) && limits.rows > 0 && limits.chars > 0)) {
    throw new Error(`row group limits must be positive (rows ${limits.rows}, chars ${limits.chars})`)
  }
  return limits
}

/** A number in [0, 1) drawn from the doc_id alone. */
const uniform = (docId: string): number => createHash("sha256").update(docId).digest().readUInt32BE(0) / 2 ** 32

/**
 * The columns naming the unit the table's rows come in, a unit at a time: doc_id in a table ordered by
 * doc_id first, else the table's `units` (a group of documents); undefined for a table without units.
 */
export const unitColumns = (table: GroupedTable): ReadonlyArray<string> | undefined =>
  table.orderedBy?.[0] === "doc_id" ? ["doc_id"] : table.units

/** Whether the table's units are its documents (ordered by doc_id first). */
export const byDocument = (table: GroupedTable): boolean => table.orderedBy?.[0] === "doc_id"

/**
 * A row's unit: its doc_id, or its unit columns' values joined by a character no value holds (the
 * joined values sort as the rows do).
 */
export const unitOfRow = (columns: ReadonlyArray<string>): ((record: Readonly<Record<string, unknown>>) => unknown) => {
  const [only] = columns
  return columns.length === 1 ? (record) => record[only!] : (record) => columns.map((column) => String(record[column])).join("\u0000")
}

/**
 * The boundaries of a table's row groups, found as its rows are taken in order: `takes` says whether the
 * group so far ends before the row (between two documents), `full` whether it ends after it. A
 * document's rows must come together (the table's order).
 */
export class RowGroupBoundaries {
  private readonly names: ReadonlyArray<string>
  /** The unit a row belongs to; undefined for a table without units. */
  private readonly unitOf: ((record: Readonly<Record<string, unknown>>) => unknown) | undefined
  private readonly limits: RowGroupLimits
  private rows = 0
  private chars = 0
  private document: unknown = undefined
  private documentRows = 0
  private documentChars = 0
  /** Documents the group holds rows of (the first possibly in part). */
  private documents = 0

  constructor(table: GroupedTable, limits: RowGroupLimits) {
    this.limits = checkLimits(limits)
    this.names = table.columns.map(({ name }) => name)
    const units = unitColumns(table)
    this.unitOf = units === undefined ? undefined : unitOfRow(units)
  }

  /** Takes the next row; true if the group so far ends before it. */
  takes(record: Readonly<Record<string, unknown>>): boolean {
    const chars = rowChars(record, this.names)
    const document = this.unitOf?.(record)
    const nextDocument = document !== this.document
    const endsBefore = nextDocument && this.rows > 0 && this.documentCloses()
    if (endsBefore) this.reset()
    if (nextDocument) {
      this.document = document
      this.documentRows = 0
      this.documentChars = 0
    }
    if (nextDocument || this.rows === 0) this.documents++
    this.documentRows++
    this.documentChars += chars
    this.rows++
    this.chars += chars
    return endsBefore
  }

  /**
   * Takes a whole document's rows at once, `rows` of them with `chars` of text (the same as taking them
   * one by one, if no row fills the group): whether the group so far ends before them; undefined, and
   * nothing taken, if they would fill the group (its rows must then be taken one by one).
   */
  takesDocument(document: unknown, rows: number, chars: number): boolean | undefined {
    if (rows === 0) return false
    const endsBefore = document !== this.document && this.rows > 0 && this.documentCloses()
    const groupRows = endsBefore ? 0 : this.rows
    const groupChars = endsBefore ? 0 : this.chars
    if (document === this.document || groupRows + rows >= this.limits.rows || groupChars + chars >= this.limits.chars) return undefined
    if (endsBefore) this.reset()
    this.document = document
    this.documentRows = rows
    this.documentChars = chars
    this.documents++
    this.rows += rows
    this.chars += chars
    return endsBefore
  }

  /** True if the group ends after the row just taken: it holds all the rows or text a group may. */
  full(): boolean {
    if (this.rows < this.limits.rows && this.chars < this.limits.chars) return false
    this.reset()
    return true
  }

  /** Whether the document (unit) just ended closes the group (never in a table without units). */
  private documentCloses(): boolean {
    if (this.unitOf === undefined) return false
    const { rows, chars } = this.limits
    if (this.documents < MIN_DOCUMENTS && this.rows / rows + this.chars / chars < 1 / 2) return false
    return uniform(String(this.document)) < CLOSING_RATE * (this.documentRows / rows + this.documentChars / chars)
  }

  private reset(): void {
    this.rows = 0
    this.chars = 0
    this.documents = 0
  }
}

/** The sizes of the row groups the rows make, in order. */
export const rowGroupSizes = (
  table: GroupedTable,
  rows: ReadonlyArray<object>,
  limits: RowGroupLimits = ROW_GROUP_LIMITS
): Array<number> => {
  const boundaries = new RowGroupBoundaries(table, limits)
  const sizes: Array<number> = []
  let size = 0
  for (const row of rows) {
    if (boundaries.takes(row as Record<string, unknown>)) {
      sizes.push(size)
      size = 0
    }
    size++
    if (boundaries.full()) {
      sizes.push(size)
      size = 0
    }
  }
  if (size > 0) sizes.push(size)
  return sizes
}
