// Naming variants: how often each way of naming a concept occurs, per document and per group.
import { namingVariants } from "../../schemas/naming_variants.ts"
import { compareRows, type Row } from "../../schemas/table.ts"
import type { CompiledConcept } from "./codebooks.ts"
import type { MatchableSentence } from "./document.ts"
import type { GroupMember } from "./groups.ts"
import { CandidateSets, findMatches } from "./match.ts"
import { rate, roundPublished } from "./stats.ts"
import type { Interner, VariantName } from "./record.ts"
import type { NamingCount } from "./types.ts"

// Made once per list of concepts (a run's codebook), not once per document.
const candidateSets = new WeakMap<ReadonlyArray<CompiledConcept>, CandidateSets>()

const candidatesOf = (concepts: ReadonlyArray<CompiledConcept>): CandidateSets => {
  const found = candidateSets.get(concepts) ?? new CandidateSets(concepts.map((concept) => concept.patterns))
  candidateSets.set(concepts, found)
  return found
}

/** Matches per (concept, variant) in one document; only variants that occur. */
export const countNaming = (sentences: ReadonlyArray<MatchableSentence>, concepts: ReadonlyArray<CompiledConcept>): Array<NamingCount> => {
  const candidates = candidatesOf(concepts)
  const byVariant = concepts.map(() => new Map<string, number>())
  for (const { tokens } of sentences) {
    const worthMatching = candidates.worthMatching(tokens)
    concepts.forEach((concept, c) => {
      if (worthMatching[c] === 0) return
      const variants = byVariant[c]!
      for (const match of findMatches(tokens, concept.patterns)) variants.set(match.label, (variants.get(match.label) ?? 0) + 1)
    })
  }
  const counts: Array<NamingCount> = []
  concepts.forEach((concept, c) => {
    for (const [variant, count] of byVariant[c]!) counts.push({ concept: concept.id, variant, count })
  })
  return counts.sort((a, b) => (a.concept !== b.concept ? (a.concept < b.concept ? -1 : 1) : a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0))
}

/** What naming shares read of a document: its (variant number, matches) pairs. */
type Counted = { readonly namingCounts: Int32Array }

/** naming_variants rows of one group, unsorted: every variant of every concept the group mentions. */
const namingOfGroup = (
  member: GroupMember<Counted>,
  concepts: ReadonlyArray<CompiledConcept>,
  variants: Interner<VariantName>
): Array<Row<typeof namingVariants>> => {
  const counts = new Float64Array(variants.size)
  for (const { namingCounts } of member.documents) {
    for (let i = 0; i < namingCounts.length; i += 2) counts[namingCounts[i]!]! += namingCounts[i + 1]!
  }
  return concepts.flatMap((concept) => {
    const variantCounts = concept.variants.map((variant) => {
      const number = variants.find({ concept: concept.id, variant })
      return { variant, count: number === undefined ? 0 : counts[number]! }
    })
    const total = variantCounts.reduce((sum, { count }) => sum + count, 0)
    if (total === 0) return []
    return variantCounts.map(({ variant, count }) => ({
      group_by: member.groupBy,
      group: member.group,
      concept: concept.id,
      variant,
      count,
      share: roundPublished(rate(count, total, 1))
    }))
  })
}

/**
 * naming_variants rows in the table's order, a group at a time (`variants` numbers the records' naming
 * variants): `members` must be in (group_by, group) order, as membersByGroup gives them. Only one
 * group's rows are held at a time.
 */
export const namingVariantRows = (
  members: ReadonlyArray<GroupMember<Counted>>,
  concepts: ReadonlyArray<CompiledConcept>,
  variants: Interner<VariantName>
): Iterable<Row<typeof namingVariants>> => {
  const byOrder = compareRows(namingVariants)
  return {
    *[Symbol.iterator]() {
      for (const member of members) yield* namingOfGroup(member, concepts, variants).sort(byOrder)
    }
  }
}
