// Step 6: keys and offsets across tables. Foreign keys are checked as the schemas declare them; the
// semantic rules (what offsets point into, which columns count rows of other tables) are listed here.
// Tables are read referenced-first (readingOrder), so a row is checked as it streams past.
import type { Table } from "../../schemas/table.ts"
import { tableFile } from "./descriptors.ts"
import { type Problems, quote } from "./problems.ts"
import { keyOf, type RowVisitor, type Values } from "./rows.ts"

interface SpanRule {
  readonly table: string
  /** What start/end index, per document: a text (offsets must lie within it) or a length column. */
  readonly into: { readonly table: string; readonly column: string }
  /** The column holding the span's own text: it must equal the slice (or, into a length, be end - start long). */
  readonly text: string
}

const spanRules: ReadonlyArray<SpanRule> = [
  { table: "sentences", into: { table: "texts", column: "text_clean" }, text: "text" },
  { table: "tokens", into: { table: "texts", column: "text_clean" }, text: "text" },
  { table: "entities", into: { table: "texts", column: "text_clean" }, text: "surface" },
  { table: "frame_hits", into: { table: "texts", column: "text_clean" }, text: "surface" },
  // cleaning_log offsets are into the raw text, which is not published: only its length is.
  { table: "cleaning_log", into: { table: "documents", column: "n_chars_raw" }, text: "removed_text" }
]

interface TallyRule {
  /** The column that states a total, in `table`, per value of `by`. */
  readonly table: string
  readonly column: string
  readonly by: string
  /** The table whose rows make the total, and each row's share of it. */
  readonly of: string
  readonly measure: (row: Values) => number
  readonly unit: string
}

const tallyRules: ReadonlyArray<TallyRule> = [
  { table: "documents", column: "n_sentences", by: "doc_id", of: "sentences", measure: () => 1, unit: "rows" },
  { table: "documents", column: "n_tokens", by: "doc_id", of: "tokens", measure: () => 1, unit: "rows" },
  { table: "documents", column: "n_chars_clean", by: "doc_id", of: "texts", measure: (row) => String(row.text_clean).length, unit: "UTF-16 code units of text_clean" },
  { table: "sentences", column: "n_tokens", by: "sentence_id", of: "tokens", measure: () => 1, unit: "rows" }
]

/** The tables a table's rows are checked against, which must be read before it. */
const dependsOn = (table: Table<any>): ReadonlyArray<string> => [
  ...(table.foreignKeys ?? []).map((key) => key.table),
  ...spanRules.filter((rule) => rule.table === table.name).map((rule) => rule.into.table)
]

/** The tables in an order where every table comes after those it refers to (else in the given order). */
export const readingOrder = (tables: ReadonlyArray<Table<any>>): ReadonlyArray<Table<any>> => {
  const names = new Set(tables.map((table) => table.name))
  const ordered: Array<Table<any>> = []
  const placed = new Set<string>()
  const ready = (table: Table<any>) => dependsOn(table).every((name) => placed.has(name) || !names.has(name) || name === table.name)
  while (ordered.length < tables.length) {
    const next = tables.find((table) => !placed.has(table.name) && ready(table)) ?? tables.find((table) => !placed.has(table.name))!
    ordered.push(next)
    placed.add(next.name)
  }
  return ordered
}

export interface TableVisitors {
  /** Run on every row with the right number of fields: remember what later checks need (an invalid row is still there). */
  readonly collect: ReadonlyArray<RowVisitor>
  /** Run on every valid row: check it against the tables read before. */
  readonly check: ReadonlyArray<RowVisitor>
}

export interface CrossTableChecks {
  readonly visitorsFor: (table: Table<any>) => TableVisitors
  /** Says that a table's CSV file could not be read (missing, wrong header, not CSV): nothing is checked against it. */
  readonly unreadable: (table: Table<any>) => void
  /** The checks that need every table read (totals). */
  readonly finish: () => void
}

export const crossTableChecks = (tables: ReadonlyArray<Table<any>>, problems: Problems): CrossTableChecks => {
  const present = new Set(tables.map((table) => table.name))
  const collectors = new Map<string, Array<RowVisitor>>()
  const checks = new Map<string, Array<RowVisitor>>()
  const add = (visitors: Map<string, Array<RowVisitor>>, table: string, visitor: RowVisitor) =>
    visitors.set(table, [...(visitors.get(table) ?? []), visitor])
  const collect = (table: string, visitor: RowVisitor) => add(collectors, table, visitor)
  const check = (table: string, visitor: RowVisitor) => add(checks, table, visitor)
  const finishers: Array<() => void> = []
  const unread = new Set<string>()

  /** The value of `column` (or just presence) by key, with the row that gave it, collected as `table` is read. */
  const lookups = new Map<string, Map<string, { readonly value: unknown; readonly at: string }>>()
  const lookup = (table: string, key: ReadonlyArray<string>, column: string | undefined) => {
    const id = JSON.stringify([table, key, column])
    let values = lookups.get(id)
    if (values === undefined) {
      const collected = new Map<string, { readonly value: unknown; readonly at: string }>()
      collect(table, (row, at) => {
        collected.set(keyOf(row, key), { value: column === undefined ? undefined : row[column], at })
      })
      lookups.set(id, collected)
      values = collected
    }
    return values
  }

  for (const table of tables) {
    for (const foreignKey of table.foreignKeys ?? []) {
      const target = `${foreignKey.table}.${foreignKey.reference.join(", ")}`
      if (!present.has(foreignKey.table)) {
        problems.add({ file: tableFile(table.name, "csv"), column: foreignKey.fields, problem: `refers to ${target}, but the dataset has no ${foreignKey.table} table` })
        continue
      }
      const keys = lookup(foreignKey.table, foreignKey.reference, undefined)
      check(table.name, (row, _at, report) => {
        if (unread.has(foreignKey.table) || foreignKey.fields.some((field) => row[field] === null)) return
        const key = keyOf(row, foreignKey.fields)
        const shown = foreignKey.fields.length === 1 ? quote(key) : key
        if (!keys.has(key)) report(foreignKey.fields, `${shown} is not a ${target} (no row of ${tableFile(foreignKey.table, "csv")} has it)`)
      })
    }
  }

  for (const rule of spanRules) {
    if (!present.has(rule.table) || !present.has(rule.into.table)) continue
    const targets = lookup(rule.into.table, ["doc_id"], rule.into.column)
    const target = `${rule.into.table}.${rule.into.column}`
    check(rule.table, (row, _at, report) => {
      const into = targets.get(String(row.doc_id))?.value
      if (into === undefined) return // an unknown document: the foreign key on doc_id says so
      const start = row.start as number
      const end = row.end as number
      const length = typeof into === "string" ? into.length : (into as number)
      if (start > end) return report(["start", "end"], `start ${start} is after end ${end}`)
      if (end > length) return report("end", `${end} is beyond the end of ${target} of ${row.doc_id} (${length})`)
      const text = row[rule.text] as string
      if (typeof into === "string") {
        const slice = into.slice(start, end)
        if (text !== slice) report(rule.text, `is ${quote(text)}, but ${target}[${start}:${end}] is ${quote(slice)}`)
      } else if (text.length !== end - start) {
        report(rule.text, `is ${text.length} long, but end - start is ${end - start}`)
      }
    })
  }

  for (const rule of tallyRules) {
    if (!present.has(rule.table) || !present.has(rule.of)) continue
    const stated = lookup(rule.table, [rule.by], rule.column)
    const totals = new Map<string, number>()
    collect(rule.of, (row) => {
      const key = String(row[rule.by])
      totals.set(key, (totals.get(key) ?? 0) + rule.measure(row))
    })
    finishers.push(() => {
      if (unread.has(rule.table) || unread.has(rule.of)) return
      for (const [key, { value, at }] of stated) {
        const total = totals.get(key) ?? 0
        if (value !== total) {
          problems.add({ file: tableFile(rule.table, "csv"), at, column: rule.column, problem: `is ${value}, but ${rule.of} has ${total} ${rule.unit} for ${rule.by} ${key}` })
        }
      }
    })
  }

  return {
    visitorsFor: (table) => ({ collect: collectors.get(table.name) ?? [], check: checks.get(table.name) ?? [] }),
    unreadable: (table) => unread.add(table.name),
    finish: () => finishers.forEach((finish) => finish())
  }
}
