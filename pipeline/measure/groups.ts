// The units measures are computed for: every document, and every group of every grouping.
import { type GroupingWithDocument, groupings } from "../../schemas/term_frequencies.ts"
import type { DocumentGroups } from "./types.ts"

export interface GroupMember<D> {
  readonly groupBy: GroupingWithDocument
  readonly group: string
  /** The group's documents, sorted by doc_id. */
  readonly documents: ReadonlyArray<D>
}

/**
 * Every group of every grouping (and every document on its own, if asked) with its documents.
 * `perDocument` must be sorted by doc_id; groups come out sorted by grouping, then group.
 */
export const membersByGroup = <D extends { readonly groups: DocumentGroups }>(
  perDocument: ReadonlyArray<D>,
  withDocuments: boolean
): Array<GroupMember<D>> => {
  const members = new Map<string, { groupBy: GroupingWithDocument; group: string; documents: Array<D> }>()
  const add = (groupBy: GroupingWithDocument, group: string, document: D) => {
    const key = `${groupBy}\u0001${group}`
    const member = members.get(key) ?? { groupBy, group, documents: [] }
    member.documents.push(document)
    members.set(key, member)
  }
  for (const document of perDocument) {
    if (withDocuments) add("document", document.groups.doc_id, document)
    for (const grouping of groupings) {
      const group = document.groups[grouping]
      if (group !== null) add(grouping, group, document)
    }
  }
  return [...members.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, member]) => member)
}
