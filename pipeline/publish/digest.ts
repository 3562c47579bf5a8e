// A digest of a table's row content: SHA-256 over a compact, unambiguous encoding of every row's values
// in column order. It is computed from the rows as they are appended (after validation) and again from
// each file as read back; equal digests prove the file holds exactly the rows that were validated, in
// the same order, with the same types, without keeping either side in memory.
//
// Encoding of one value (each self-delimiting, so the concatenation is unambiguous):
//   null / missing  ~
//   true, false     T, F
//   number          #<String(x)>;      (shortest round-trip form: equal strings ⇔ equal doubles, 0 = -0)
//   string          "<length>:<the string>
//   anything else   ?<typeof>:<length>:<String(x)>   (never in a valid row: it makes the digests differ)
// and each row ends with a newline. The text is hashed as UTF-8. A string that is not well-formed
// UTF-16 (a lone surrogate, which a UTF-8 file cannot hold: it would come back as U+FFFD) is encoded
// instead as !<length>:<its code units in hex>, so that it never digests like the text it comes back as.
//
// Rows are hashed in blocks of DIGEST_BLOCK_ROWS; the table's digest is the SHA-256 of the blocks'
// digests. Block boundaries depend on row counts only, so two digests of the same rows agree however the
// rows were chunked, and when they differ the first differing block says where to look.
import { createHash, type Hash } from "node:crypto"

const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed()

const codeUnits = (text: string): string => {
  let hex = ""
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0")
  return hex
}

export const encodeValue = (value: unknown): string => {
  if (value === null || value === undefined) return "~"
  switch (typeof value) {
    case "string":
      return isWellFormed(value) ? `"${value.length}:${value}` : `!${value.length}:${codeUnits(value)}`
    case "number":
      return `#${value};`
    case "boolean":
      return value ? "T" : "F"
    default: {
      const text = String(value)
      return `?${typeof value}:${text.length}:${text}`
    }
  }
}

export const DIGEST_BLOCK_ROWS = 4096

/** Characters buffered before they are hashed: few native calls, bounded memory. */
const PENDING_CHARS = 1 << 16

export interface TableDigest {
  /** Hex SHA-256 of the block digests. */
  readonly sha256: string
  readonly rows: number
  /** Hex SHA-256 of each block of DIGEST_BLOCK_ROWS rows, the last one possibly shorter. */
  readonly blocks: ReadonlyArray<string>
}

export class RowDigest {
  private block: Hash = createHash("sha256")
  private readonly blocks: Array<string> = []
  private pending = ""
  private rowsInBlock = 0
  private done = false
  /** Rows added so far. */
  rows = 0

  /** A row given as an object, read by the column names. */
  addRecord(record: Readonly<Record<string, unknown>>, columns: ReadonlyArray<string>): void {
    let line = ""
    for (const name of columns) line += encodeValue(record[name])
    this.addLine(line)
  }

  /** A row given as its values in column order. */
  addValues(values: ArrayLike<unknown>): void {
    let line = ""
    for (let i = 0; i < values.length; i++) line += encodeValue(values[i])
    this.addLine(line)
  }

  /** The digest of everything added; nothing can be added after. */
  result(): TableDigest {
    if (this.done) throw new Error("the row digest is already finished")
    this.done = true
    if (this.rowsInBlock > 0) this.endBlock()
    const whole = createHash("sha256")
    for (const block of this.blocks) whole.update(block)
    return { sha256: whole.digest("hex"), rows: this.rows, blocks: this.blocks }
  }

  private addLine(line: string): void {
    if (this.done) throw new Error("the row digest is already finished")
    this.pending += `${line}\n`
    this.rows++
    if (++this.rowsInBlock === DIGEST_BLOCK_ROWS) this.endBlock()
    else if (this.pending.length >= PENDING_CHARS) this.hashPending()
  }

  private hashPending(): void {
    this.block.update(this.pending, "utf8")
    this.pending = ""
  }

  private endBlock(): void {
    this.hashPending()
    this.blocks.push(this.block.digest("hex"))
    this.block = createHash("sha256")
    this.rowsInBlock = 0
  }
}
