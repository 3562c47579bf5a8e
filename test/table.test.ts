// A table's fast row check (passesColumnChecks) accepts a row only where its Effect schema (decodeRow,
// the source of truth) accepts it: publishing relies on it for every row, and asks the decoder only for
// the rows it turns down. Checked column by column, on each published table and on every kind of
// column, with the values a pipeline bug could produce.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { Result } from "effect"
import { publishedTables } from "../schemas/index.ts"
import { Column, defineTable, type Table } from "../schemas/table.ts"
import { decodeCsv } from "../pipeline/publish/csv.ts"
import { projectRoot } from "./support.ts"

const seedCsvDir = join(projectRoot, "dist-data/seed-trump-putin-2025/1.0.0/csv")

const accepted = (table: Table<any>, row: unknown) => Result.isSuccess(table.decodeRow(row))

/** Values worth trying in any column: each kind's edge cases and the other kinds' values. */
const CANDIDATES: ReadonlyArray<unknown> = [
  null, undefined, "", " ", "a", "manifest", "news", "text", "0", "true", "\ud800", "x".repeat(300),
  0, -0, 1, -1, 0.5, -0.5, 1.5, 2 ** 31, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, Number.MAX_VALUE, Number.MIN_VALUE,
  Number.NaN, Infinity, -Infinity, true, false, 1n, {}, [], ["a"], new Date(0), Symbol.for("s"), () => 1
]

const firstSeedRow = (table: Table<any>): Record<string, unknown> => {
  const { records } = decodeCsv(table, readFileSync(join(seedCsvDir, `${table.name}.csv`), "utf8"))
  const row = records[0]
  if (row === undefined) throw new Error(`${table.name}.csv has no rows`)
  return row
}

describe("passesColumnChecks", () => {
  for (const table of publishedTables) {
    it(`accepts exactly what the schema accepts, column by column, in ${table.name}`, () => {
      const row = firstSeedRow(table)
      expect(accepted(table, row)).toBe(true)
      expect(table.passesColumnChecks(row)).toBe(true)
      for (const { name, meta } of table.columns) {
        const values = [...CANDIDATES, ...(meta.values ?? []), ...[meta.minimum, meta.maximum].filter((bound) => bound !== undefined).flatMap((bound) => [bound, bound - 0.5, bound + 0.5, bound - 1, bound + 1])]
        for (const value of values) {
          const changed = { ...row, [name]: value }
          expect(table.passesColumnChecks(changed), `${table.name}.${name} = ${String(value)}`).toBe(accepted(table, changed))
        }
        const { [name]: _, ...missing } = row
        expect(table.passesColumnChecks(missing), `${table.name} without ${name}`).toBe(false)
      }
    })
  }

  const everyKind = defineTable({
    name: "kinds",
    title: "Kinds",
    description: "One column of each kind.",
    rowPer: "row",
    stage: "test",
    fields: {
      text: Column.string("Text."),
      id: Column.id("Id."),
      count: Column.integer("Count.", { minimum: 0 }),
      bounded: Column.integer("Bounded.", { minimum: -3, maximum: 7 }),
      share: Column.number("Share.", { minimum: 0, maximum: 1 }),
      score: Column.number("Score."),
      flag: Column.boolean("Flag."),
      choice: Column.literal(["a", "b", ""], "Choice."),
      maybe_text: Column.nullable(Column.string("Maybe text.")),
      maybe_count: Column.nullable(Column.integer("Maybe count.", { maximum: 10 })),
      maybe_choice: Column.nullable(Column.literal(["x"], "Maybe choice."))
    },
    primaryKey: ["id"],
    orderedBy: ["id"]
  })
  const valid = { text: "", id: "a", count: 0, bounded: -3, share: 1, score: -2.5, flag: false, choice: "", maybe_text: null, maybe_count: 10, maybe_choice: null }

  it("agrees with the schema on random rows of every kind of column", () => {
    expect(everyKind.passesColumnChecks(valid)).toBe(true)
    const value = fc.oneof(fc.constantFrom(...CANDIDATES, "a", "b", "x", 7, 10, 11, -4), fc.double(), fc.integer(), fc.string())
    fc.assert(
      fc.property(fc.record(Object.fromEntries(Object.keys(valid).map((name) => [name, fc.oneof(fc.constant(valid[name as keyof typeof valid]), value)]))), (row) => {
        expect(everyKind.passesColumnChecks(row)).toBe(accepted(everyKind, row))
      }),
      { numRuns: 5000 }
    )
  })

  it("turns down what is not an object literal, and rows from a class or with inherited values", () => {
    for (const input of [null, undefined, "row", 1, [], [valid], new Map(Object.entries(valid))]) expect(everyKind.passesColumnChecks(input)).toBe(false)
    expect(everyKind.passesColumnChecks(Object.create(valid))).toBe(false)
    class Row {
      constructor() {
        Object.assign(this, valid)
      }
    }
    expect(everyKind.passesColumnChecks(new Row())).toBe(false)
    expect(everyKind.passesColumnChecks({ ...valid, extra: "ignored, as the schema ignores it" })).toBe(true)
  })

  it("leaves every row to the decoder when a column's schema was changed after Column.* made it", () => {
    const changed = defineTable({
      name: "changed",
      title: "Changed",
      description: "Columns whose schemas were changed after Column.* made them.",
      rowPer: "row",
      stage: "test",
      fields: { code: Column.id("Code.").annotate({ title: "Code" }), note: Column.nullable(Column.string("Note.").annotate({ title: "Note" })) },
      primaryKey: ["code"],
      orderedBy: ["code"]
    })
    expect(changed.passesColumnChecks({ code: "ab", note: null })).toBe(false)
    expect(accepted(changed, { code: "ab", note: null })).toBe(true)
    expect(accepted(changed, { code: "", note: null })).toBe(false)
  })
})
