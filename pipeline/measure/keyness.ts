// Keyness of each group against the rest of the corpus (documents of unknown group included).
import { type keyness } from "../../schemas/keyness.ts"
import { type Row } from "../../schemas/table.ts"
import { chiSquare1PValue, logRatio, roundPublished, signedG2 } from "./stats.ts"
import type { TermTotals } from "./terms.ts"

/**
 * keyness rows, unsorted: every group against the rest, for every term occurring at least
 * `minFrequency` times in the corpus (a term a group never uses gets count_target 0).
 */
export const keynessRows = (totals: TermTotals, minFrequency: number): Array<Row<typeof keyness>> => {
  const rows: Array<Row<typeof keyness>> = []
  for (const [key, corpus] of totals.corpus) {
    const frequent = [...corpus.terms.entries()].filter(([, entry]) => entry.count >= minFrequency)
    for (const [grouping, byGroup] of totals.groups) {
      for (const [target, group] of byGroup) {
        const inTarget = group.lists.get(key)
        const totalTarget = inTarget?.total ?? 0
        const totalReference = corpus.total - totalTarget
        if (totalTarget === 0 || totalReference === 0) continue
        for (const [term, { count, isStop }] of frequent) {
          const countTarget = inTarget?.terms.get(term)?.count ?? 0
          const countReference = count - countTarget
          const g2 = signedG2(countTarget, countReference, totalTarget, totalReference)
          rows.push({
            group_by: grouping,
            target,
            form: corpus.form,
            ngram: corpus.ngram,
            term,
            is_stop: isStop,
            count_target: countTarget,
            count_reference: countReference,
            total_target: totalTarget,
            total_reference: totalReference,
            g2: roundPublished(g2),
            p_value: roundPublished(chiSquare1PValue(Math.abs(g2))),
            log_ratio: roundPublished(logRatio(countTarget, countReference, totalTarget, totalReference))
          })
        }
      }
    }
  }
  return rows
}
