// The Arrow files' dictionaries are gathered as UTF-8 bytes behind a hash table of integers
// (pipeline/publish/utf8-dictionary.ts): they must number values exactly as a Map of the strings
// would, and hold the bytes apache-arrow's own Utf8 vector of those strings holds.
import { describe, expect, it } from "vitest"
import * as Arrow from "apache-arrow"
import fc from "fast-check"
import { Utf8Dictionary } from "../pipeline/publish/utf8-dictionary.ts"

/** Positions as a Map numbers values in the order they first appear, and the distinct values. */
const byMap = (values: ReadonlyArray<string>) => {
  const index = new Map<string, number>()
  const positions = values.map((value) => {
    if (!index.has(value)) index.set(value, index.size)
    return index.get(value)!
  })
  return { positions, distinct: [...index.keys()] }
}

/** What an Arrow file holds of the vector: its value offsets and bytes, without the builder's spare capacity. */
const bytesOf = (vector: Arrow.Vector<Arrow.Utf8>) => {
  const data = vector.data[0]!
  const offsets = [...data.valueOffsets.subarray(0, data.length + 1)]
  return { offsets, bytes: Buffer.from(data.values.subarray(0, offsets[data.length])).toString("hex") }
}

const check = (values: ReadonlyArray<string>) => {
  const dictionary = new Utf8Dictionary()
  const positions = values.map((value) => dictionary.positionOf(value))
  const expected = byMap(values)
  expect(positions).toEqual(expected.positions)
  const vector = dictionary.vector()
  expect(vector.toArray()).toEqual(expected.distinct.map((value) => new TextDecoder().decode(new TextEncoder().encode(value))))
  expect(bytesOf(vector)).toEqual(bytesOf(Arrow.vectorFromArray(expected.distinct, new Arrow.Utf8())))
}

describe("a UTF-8 dictionary", () => {
  it("numbers values as a Map of the strings does, and holds the bytes of apache-arrow's Utf8 vector, for any text", () => {
    const unit = fc.constantFrom("a", "b", " ", "#", "é", "ß", "€", "😀", "\ud800", "\udc00", "\ufffd", "\u0000")
    fc.assert(fc.property(fc.array(fc.string({ unit, maxLength: 4 }), { maxLength: 300 }), check), { numRuns: 200 })
  })

  it("keeps a lone surrogate apart from the replacement character it is written as", () => {
    check(["\ud800", "\ufffd", "\ud800", "", "\ufffd", ""])
  })

  it("finds every value again after its table has grown many times", () => {
    const values = Array.from({ length: 50_000 }, (_, i) => `doc-${i % 20_000}#s${i % 7}`)
    check([...values, ...values.reverse()])
  })
})
