// Distinct strings numbered in the order they are first added, kept the way an Arrow Utf8 vector holds
// them: their UTF-8 bytes end to end and where each ends, found again through an open-addressing hash
// table of integers. A dictionary of many distinct values (a sentence_id per sentence) then costs its
// bytes and a few integers per value, instead of a string, a Map entry and an array slot.
//
// For well-formed strings UTF-8 is one-to-one, so equal bytes are equal strings. A string holding a lone
// surrogate is not: UTF-8 cannot hold it (TextEncoder writes U+FFFD, as the Arrow builder does), so such
// strings are found through a Map of their own and never match a well-formed string.
import * as Arrow from "apache-arrow"

const utf8 = new TextEncoder()

const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed()

/** FNV-1a over the UTF-16 code units. */
const hashOf = (text: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return hash | 0 // an int32, as the table stores it (the empty string's hash is the offset basis)
}

const EMPTY = -1

export class Utf8Dictionary {
  private bytes = new Uint8Array(1 << 12)
  /** Where value i ends in `bytes` is offsets[i + 1]; offsets[0] is 0. */
  private offsets = new Int32Array(1 << 8)
  private hashes = new Int32Array(1 << 8)
  /** Positions of values by hash, EMPTY where none; a power of two, at most half full. */
  private slots = new Int32Array(1 << 9).fill(EMPTY)
  private readonly illFormed = new Map<string, number>()
  /** The positions of the ill-formed values, which are not in the hash table. */
  private readonly illFormedPositions = new Set<number>()
  private scratch = new Uint8Array(64)
  size = 0

  /** The value's position, the next one if it is new. */
  positionOf(value: string): number {
    if (!isWellFormed(value)) {
      const known = this.illFormed.get(value)
      if (known !== undefined) return known
      this.illFormed.set(value, this.size)
      this.illFormedPositions.add(this.size)
      return this.append(value, 0)
    }
    const hash = hashOf(value)
    const mask = this.slots.length - 1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const position = this.slots[slot]!
      if (position === EMPTY) {
        this.slots[slot] = this.size
        const added = this.append(value, hash)
        if (2 * this.size > this.slots.length) this.rehash()
        return added
      }
      if (this.hashes[position] === hash && this.holds(position, value)) return position
    }
  }

  /** The values as an Arrow Utf8 vector, sharing this dictionary's bytes; the hash table is let go of. */
  vector(): Arrow.Vector<Arrow.Utf8> {
    this.slots = new Int32Array(0)
    this.hashes = new Int32Array(0)
    this.illFormed.clear()
    this.illFormedPositions.clear()
    const offsets = this.offsets.subarray(0, this.size + 1)
    return Arrow.makeVector(Arrow.makeData({ type: new Arrow.Utf8(), length: this.size, nullCount: 0, valueOffsets: offsets, data: this.bytes.subarray(0, offsets[this.size]!) }))
  }

  private append(value: string, hash: number): number {
    const position = this.size
    const start = this.offsets[position]!
    this.bytes = grown(this.bytes, start + 3 * value.length) // a UTF-16 code unit is at most 3 bytes of UTF-8
    const end = start + utf8.encodeInto(value, this.bytes.subarray(start)).written
    this.offsets = grown(this.offsets, position + 2)
    this.hashes = grown(this.hashes, position + 1)
    this.offsets[position + 1] = end
    this.hashes[position] = hash
    this.size++
    return position
  }

  /** Whether the value at `position` is `value` (well-formed): the same UTF-8 bytes. */
  private holds(position: number, value: string): boolean {
    const start = this.offsets[position]!
    const length = this.offsets[position + 1]! - start
    if (length < value.length || length > 3 * value.length) return false
    let i = 0
    for (; i < value.length; i++) {
      const code = value.charCodeAt(i)
      if (code >= 0x80) break
      if (this.bytes[start + i] !== code) return false
    }
    if (i === value.length) return length === i
    // not ASCII: compare the encoded bytes
    this.scratch = grown(this.scratch, 3 * value.length)
    const written = utf8.encodeInto(value, this.scratch).written
    if (written !== length) return false
    for (let k = i; k < written; k++) if (this.scratch[k] !== this.bytes[start + k]) return false
    return true
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY)
    const mask = slots.length - 1
    for (let position = 0; position < this.size; position++) {
      if (this.illFormedPositions.has(position)) continue
      let slot = this.hashes[position]! & mask
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask
      slots[slot] = position
    }
    this.slots = slots
  }
}

/** The array, or a copy at least `length` long (doubling) holding its values. */
const grown = <A extends Uint8Array | Int32Array>(array: A, length: number): A => {
  if (length <= array.length) return array
  let size = array.length
  while (size < length) size *= 2
  const copy = new (array.constructor as { new (length: number): A })(size)
  copy.set(array)
  return copy
}
