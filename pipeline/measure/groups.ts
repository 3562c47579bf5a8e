// The units measures are computed for: every document, and every group of every grouping.
import { type GroupingWithDocument, groupings } from "../../schemas/term_frequencies.ts"
import type { DocumentGroups, DocumentMeasures } from "./types.ts"

export interface GroupMember {
  readonly groupBy: GroupingWithDocument
  readonly group: string
  /** The group's documents, sorted by doc_id. */
  readonly documents: ReadonlyArray<DocumentMeasures>
}

/**
 * Every group of every grouping (and every document on its own, if asked) with its documents.
 * `perDocument` must be sorted by doc_id; groups come out sorted by grouping, then group.
 */
export const membersByGroup = (
  perDocument: ReadonlyArray<{ readonly groups: DocumentGroups; readonly measures: DocumentMeasures }>,
  withDocuments: boolean
): Array<GroupMember> => {
  const members = new Map<string, { groupBy: GroupingWithDocument; group: string; documents: Array<DocumentMeasures> }>()
  const add = (groupBy: GroupingWithDocument, group: string, measures: DocumentMeasures) => {
    const key = `${groupBy}\u0001${group}`
    const member = members.get(key) ?? { groupBy, group, documents: [] }
    member.documents.push(measures)
    members.set(key, member)
  }
  for (const { groups, measures } of perDocument) {
    if (withDocuments) add("document", groups.doc_id, measures)
    for (const grouping of groupings) {
      const group = groups[grouping]
      if (group !== null) add(grouping, group, measures)
    }
  }
  return [...members.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, member]) => member)
}
