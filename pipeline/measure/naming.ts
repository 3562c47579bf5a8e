// Naming variants: how often each way of naming a concept occurs, per document and per group.
import type { namingVariants } from "../../schemas/naming_variants.ts"
import type { Row } from "../../schemas/table.ts"
import type { CompiledConcept } from "./codebooks.ts"
import type { SentenceTokens } from "./document.ts"
import type { GroupMember } from "./groups.ts"
import { findMatches } from "./match.ts"
import { rate, roundPublished } from "./stats.ts"
import type { NamingCount } from "./types.ts"

/** Matches per (concept, variant) in one document; only variants that occur. */
export const countNaming = (sentences: ReadonlyArray<SentenceTokens>, concepts: ReadonlyArray<CompiledConcept>): Array<NamingCount> => {
  const counts: Array<NamingCount> = []
  for (const concept of concepts) {
    const byVariant = new Map<string, number>()
    for (const { tokens } of sentences) {
      for (const match of findMatches(tokens, concept.patterns)) byVariant.set(match.label, (byVariant.get(match.label) ?? 0) + 1)
    }
    for (const [variant, count] of byVariant) counts.push({ concept: concept.id, variant, count })
  }
  return counts.sort((a, b) => (a.concept !== b.concept ? (a.concept < b.concept ? -1 : 1) : a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0))
}

/** naming_variants rows of one group, unsorted: every variant of every concept the group mentions. */
const namingOfGroup = (member: GroupMember<{ readonly naming: ReadonlyArray<NamingCount> }>, concepts: ReadonlyArray<CompiledConcept>): Array<Row<typeof namingVariants>> => {
  const counts = new Map<string, number>()
  for (const measures of member.documents) {
    for (const { concept, variant, count } of measures.naming) {
      const key = `${concept}\u0001${variant}`
      counts.set(key, (counts.get(key) ?? 0) + count)
    }
  }
  return concepts.flatMap((concept) => {
    const variantCounts = concept.variants.map((variant) => ({ variant, count: counts.get(`${concept.id}\u0001${variant}`) ?? 0 }))
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

export const namingVariantRows = (members: ReadonlyArray<GroupMember<{ readonly naming: ReadonlyArray<NamingCount> }>>, concepts: ReadonlyArray<CompiledConcept>) =>
  members.flatMap((member) => namingOfGroup(member, concepts))
