// A digest of a table's row content: SHA-256 over a compact, unambiguous encoding of every row's values
// in column order. It is computed from the rows as they are appended (after validation) and again from
// each file as read back; equal digests prove the file holds exactly the rows that were validated, in
// the same order, with the same types, without keeping either side in memory.
//
// Encoding of one value, as bytes (each self-delimiting, so the concatenation is unambiguous):
//   null / missing  ~
//   true, false     T, F
//   number          # and the IEEE 754 double, little-endian (0 and -0 both as 0: a CSV file cannot tell
//                   them apart)
//   string          " , its length in UTF-16 code units (uint32, little-endian), then its UTF-8 bytes
//   anything else   ? , then typeof and String(x), each encoded as a string   (never in a valid row: it
//                   makes the digests differ)
// and each row ends with a newline. A string that is not well-formed UTF-16 (a lone surrogate, which a
// UTF-8 file cannot hold: it would come back as U+FFFD) is encoded instead as ! , its length, then its
// code units (UTF-16LE), so that it never digests like the text it comes back as.
//
// Values are encoded into a buffer that is hashed when full: no string is built per value or per row.
//
// Rows are hashed in blocks, the table's digest being the SHA-256 of the blocks' digests. A writer ends
// a block where it ends a row group (row-groups.ts: `endBlock`); a reader is given the blocks' sizes
// that the writer's digest recorded, so two digests of the same rows agree however the file was read,
// each block's digest stands for the rows of one row group, and when digests differ the first differing
// block says where to look.
import { createHash, type Hash } from "node:crypto"

const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed()

const NULL = 0x7e // ~
const TRUE = 0x54 // T
const FALSE = 0x46 // F
const NUMBER = 0x23 // #
const STRING = 0x22 // "
const ILL_FORMED = 0x21 // !
const OTHER = 0x3f // ?
const ROW_END = 0x0a // \n

/** Strings up to this long are copied a character at a time while they are ASCII (cheaper than a native call). */
const SHORT_STRING = 24

/** Bytes encoded before they are hashed: few native calls, bounded memory. */
const BUFFER_BYTES = 1 << 17

export interface TableDigest {
  /** Hex SHA-256 of the block digests. */
  readonly sha256: string
  readonly rows: number
  /** Hex SHA-256 of each block of rows (a row group each, in a table file). */
  readonly blocks: ReadonlyArray<string>
  /** The rows in each block. */
  readonly blockRows: ReadonlyArray<number>
}

export class RowDigest {
  private block: Hash = createHash("sha256")
  private readonly blocks: Array<string> = []
  private readonly blockRows: Array<number> = []
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES)
  private used = 0
  private rowsInBlock = 0
  private done = false
  /** Rows added so far. */
  rows = 0

  /**
   * @param blockSizes where blocks end, as a reader is told (the sizes another digest recorded);
   *   without them, blocks end where `endBlock` is called (and at the end).
   * @param takenBlocks for a reader, the digests of blocks it does not read (row groups taken as
   *   they were from a previous file: group-reuse.ts), by their place: each comes in as it is, in turn.
   */
  constructor(private readonly blockSizes?: ReadonlyArray<number>, private readonly takenBlocks?: ReadonlyMap<number, string>) {
    this.addTakenBlocks()
  }

  /** A reader's digest, to compare with `expected`, of a file whose row groups `taken` are not read. */
  static reading(expected: Pick<TableDigest, "blockRows" | "blocks">, taken: ReadonlyArray<{ readonly index: number }> = []): RowDigest {
    return new RowDigest(expected.blockRows, taken.length === 0 ? undefined : new Map(taken.map(({ index }) => [index, expected.blocks[index] ?? ""])))
  }

  /** Ends the block of the rows added since the last one, if there are any. */
  endBlock(): void {
    this.checkOpen()
    if (this.rowsInBlock > 0) this.finishBlock()
  }

  /**
   * A block digested before (another digest's block, of rows known to be the same), added as it is
   * after the blocks so far; the rows added since the last block must have been ended first.
   */
  addBlock(sha256: string, rows: number): void {
    this.checkOpen()
    if (this.rowsInBlock > 0 || this.blockSizes !== undefined) throw new Error("a digested block is added only between blocks, by a writer")
    this.pushBlock(sha256, rows)
  }

  /** Where the next blocks are taken ones, adds them. */
  private addTakenBlocks(): void {
    const taken = this.takenBlocks
    if (taken === undefined) return
    for (let digest = taken.get(this.blocks.length); digest !== undefined; digest = taken.get(this.blocks.length)) {
      this.pushBlock(digest, this.blockSizes?.[this.blocks.length] ?? 0)
    }
  }

  private pushBlock(sha256: string, rows: number): void {
    this.blocks.push(sha256)
    this.blockRows.push(rows)
    this.rows += rows
  }

  /** A row given as an object, read by the column names. */
  addRecord(record: Readonly<Record<string, unknown>>, columns: ReadonlyArray<string>): void {
    this.checkOpen()
    for (let i = 0; i < columns.length; i++) this.addValue(record[columns[i]!])
    this.endRow()
  }

  /** A row given as its values in column order. */
  addValues(values: ArrayLike<unknown>): void {
    this.checkOpen()
    for (let i = 0; i < values.length; i++) this.addValue(values[i])
    this.endRow()
  }

  /** The digest of everything added; nothing can be added after. */
  result(): TableDigest {
    this.checkOpen()
    this.done = true
    if (this.rowsInBlock > 0) this.finishBlock()
    const whole = createHash("sha256")
    for (const block of this.blocks) whole.update(block)
    return { sha256: whole.digest("hex"), rows: this.rows, blocks: this.blocks, blockRows: this.blockRows }
  }

  private checkOpen(): void {
    if (this.done) throw new Error("the row digest is already finished")
  }

  private addValue(value: unknown): void {
    if (value === null || value === undefined) return this.addByte(NULL)
    switch (typeof value) {
      case "string":
        return this.addString(value)
      case "number":
        return this.addNumber(value)
      case "boolean":
        return this.addByte(value ? TRUE : FALSE)
      default:
        this.addByte(OTHER)
        this.addString(typeof value)
        return this.addString(String(value))
    }
  }

  private addByte(byte: number): void {
    if (this.used === BUFFER_BYTES) this.hashBuffer()
    this.buffer[this.used++] = byte
  }

  private addNumber(value: number): void {
    this.reserve(9)
    this.buffer[this.used] = NUMBER
    this.buffer.writeDoubleLE(value === 0 ? 0 : value, this.used + 1)
    this.used += 9
  }

  private addString(text: string): void {
    const length = text.length
    if (length <= SHORT_STRING && this.addShortAscii(text)) return
    if (!isWellFormed(text)) return this.addIllFormed(text)
    const header = this.reserve(5)
    this.buffer[header] = STRING
    this.buffer.writeUInt32LE(length, header + 1)
    this.used += 5
    if (length * 3 <= BUFFER_BYTES - this.used) this.used += this.buffer.write(text, this.used, "utf8")
    else if (length * 3 <= BUFFER_BYTES) {
      this.hashBuffer()
      this.used = this.buffer.write(text, 0, "utf8")
    } else {
      this.hashBuffer()
      this.block.update(text, "utf8")
    }
  }

  /** Encodes a short string if it is ASCII (always well-formed, one byte a character); false if it is not. */
  private addShortAscii(text: string): boolean {
    const start = this.reserve(5 + text.length)
    const { buffer } = this
    let at = start + 5
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code >= 0x80) return false // nothing written: `used` has not moved
      buffer[at++] = code
    }
    buffer[start] = STRING
    buffer.writeUInt32LE(text.length, start + 1)
    this.used = at
    return true
  }

  private addIllFormed(text: string): void {
    const header = this.reserve(5)
    this.buffer[header] = ILL_FORMED
    this.buffer.writeUInt32LE(text.length, header + 1)
    this.used += 5
    this.hashBuffer()
    this.block.update(Buffer.from(text, "utf16le"))
  }

  /** Makes room for `bytes` more bytes (at most the buffer's size); returns where they go. */
  private reserve(bytes: number): number {
    if (this.used + bytes > BUFFER_BYTES) this.hashBuffer()
    return this.used
  }

  private endRow(): void {
    this.addByte(ROW_END)
    this.rows++
    if (++this.rowsInBlock === this.blockSizes?.[this.blocks.length]) this.finishBlock()
  }

  private hashBuffer(): void {
    if (this.used > 0) this.block.update(this.buffer.subarray(0, this.used))
    this.used = 0
  }

  private finishBlock(): void {
    this.hashBuffer()
    this.blocks.push(this.block.digest("hex"))
    this.blockRows.push(this.rowsInBlock)
    this.block = createHash("sha256")
    this.rowsInBlock = 0
    this.addTakenBlocks()
  }
}
