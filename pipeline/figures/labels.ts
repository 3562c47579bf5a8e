// Readable labels and locale-independent ordering for the figures.
import type { FigureDocument } from "../figures.ts"

/** Orders strings by UTF-16 code unit, never by the machine's locale. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export const uniqueSorted = (values: Iterable<string>): Array<string> => [...new Set(values)].sort(byText)

/** Keeps the first `limit` rows of each group, in the order given, with their rank (1, 2, …) within it. */
export const topPerGroup = <T extends object>(rows: ReadonlyArray<T>, groupOf: (row: T) => string, limit: number): Array<T & { readonly rank: number }> => {
  const taken = new Map<string, number>()
  return rows.flatMap((row) => {
    const rank = (taken.get(groupOf(row)) ?? 0) + 1
    taken.set(groupOf(row), rank)
    return rank <= limit ? [{ ...row, rank }] : []
  })
}

const LOWER_CASE_WORDS = new Set(["a", "an", "and", "in", "of", "on", "or", "the", "to"])

/** "capital_of_ukraine" → "Capital of Ukraine": a codebook id as a heading, for tables that carry no label. */
export const headingOf = (id: string): string =>
  id
    .split("_")
    .map((word, i) => (i > 0 && LOWER_CASE_WORDS.has(word) ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(" ")

/** Maps an outlet_id to the outlet's name in the documents table, falling back to the id itself. */
export const outletLabeller = (docs: ReadonlyArray<FigureDocument>): ((outletId: string) => string) => {
  const names = new Map<string, string>()
  for (const doc of [...docs].sort((a, b) => byText(a.doc_id, b.doc_id))) {
    if (doc.outlet_id !== null && doc.outlet !== null && !names.has(doc.outlet_id)) names.set(doc.outlet_id, doc.outlet)
  }
  return (outletId) => names.get(outletId) ?? outletId
}

/**
 * Of the documents seen, those outletLabeller reads (per outlet, the first by doc_id naming it): the
 * same labels as all of them, without keeping a row per document for the whole run.
 */
export class LabelDocuments {
  private readonly firstOfOutlet = new Map<string, FigureDocument>()

  see({ doc_id, outlet_id, outlet }: FigureDocument): void {
    if (outlet_id === null || outlet === null) return
    const kept = this.firstOfOutlet.get(outlet_id)
    // a copy: its strings then hold on to nothing else of the document
    if (kept === undefined || doc_id < kept.doc_id) this.firstOfOutlet.set(outlet_id, structuredClone({ doc_id, outlet_id, outlet }))
  }

  get documents(): ReadonlyArray<FigureDocument> {
    return [...this.firstOfOutlet.values()]
  }
}

export type Grouping = "camp" | "outlet"

/** Labels a group: outlets by name, camps by their researcher-assigned id. */
export const groupLabeller = (docs: ReadonlyArray<FigureDocument>, grouping: Grouping): ((group: string) => string) =>
  grouping === "outlet" ? outletLabeller(docs) : (group) => group
