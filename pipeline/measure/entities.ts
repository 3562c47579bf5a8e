// Entity salience: mentions of each canonical entity per document and per group.
import type { entities } from "../../schemas/entities.ts"
import type { entitySalience } from "../../schemas/entity_salience.ts"
import type { Row } from "../../schemas/table.ts"
import type { GroupMember } from "./groups.ts"
import { rate, roundPublished } from "./stats.ts"
import type { EntityCount } from "./types.ts"

/** What salience reads of a document. */
type Counted = { readonly tokens: number; readonly entities: ReadonlyArray<EntityCount> }

type EntityType = EntityCount["type"]

const nameKey = (canonical: string, type: EntityType) => `${canonical}\u0001${type}`

/** Mentions linked to an entity id, per (entity_id, canonical, type). Built-in types (dates, numbers) have no id. */
export const countEntities = (mentions: ReadonlyArray<Row<typeof entities>>): Array<EntityCount> => {
  const counts = new Map<string, { entity_id: string; canonical: string; type: EntityType; mentions: number }>()
  for (const mention of mentions) {
    if (mention.entity_id === null) continue
    const key = `${mention.entity_id}\u0001${nameKey(mention.canonical, mention.type)}`
    const entry = counts.get(key) ?? { entity_id: mention.entity_id, canonical: mention.canonical, type: mention.type, mentions: 0 }
    entry.mentions++
    counts.set(key, entry)
  }
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry)
}

/** Each entity's name and type: the most frequent in the corpus, ties broken alphabetically. */
const entityNames = (perDocument: ReadonlyArray<Counted>) => {
  const tallies = new Map<string, Map<string, { canonical: string; type: EntityType; mentions: number }>>()
  for (const measures of perDocument) {
    for (const { entity_id, canonical, type, mentions } of measures.entities) {
      const names = tallies.get(entity_id) ?? new Map()
      const key = nameKey(canonical, type)
      const tally = names.get(key) ?? { canonical, type, mentions: 0 }
      tally.mentions += mentions
      names.set(key, tally)
      tallies.set(entity_id, names)
    }
  }
  const chosen = new Map<string, { canonical: string; type: EntityType }>()
  for (const [entityId, names] of tallies) {
    const [best] = [...names.entries()].sort(([keyA, a], [keyB, b]) => b.mentions - a.mentions || (keyA < keyB ? -1 : 1))
    chosen.set(entityId, best![1])
  }
  return chosen
}

const salienceOfGroup = (
  member: GroupMember<Counted>,
  names: Map<string, { canonical: string; type: EntityType }>
): Array<Row<typeof entitySalience>> => {
  const byEntity = new Map<string, { mentions: number; docs: number }>()
  let tokens = 0
  for (const measures of member.documents) {
    tokens += measures.tokens
    const inDocument = new Map<string, number>()
    for (const { entity_id, mentions } of measures.entities) inDocument.set(entity_id, (inDocument.get(entity_id) ?? 0) + mentions)
    for (const [entityId, mentions] of inDocument) {
      const entry = byEntity.get(entityId) ?? { mentions: 0, docs: 0 }
      entry.mentions += mentions
      entry.docs++
      byEntity.set(entityId, entry)
    }
  }
  let groupMentions = 0
  for (const { mentions } of byEntity.values()) groupMentions += mentions
  return [...byEntity.entries()].map(([entityId, { mentions, docs }]) => ({
    group_by: member.groupBy,
    group: member.group,
    entity_id: entityId,
    canonical: names.get(entityId)!.canonical,
    type: names.get(entityId)!.type,
    mentions,
    docs,
    per_10k: roundPublished(rate(mentions, tokens, 10_000)),
    share: roundPublished(rate(mentions, groupMentions, 1))
  }))
}

/** entity_salience rows, unsorted. */
export const entitySalienceRows = (members: ReadonlyArray<GroupMember<Counted>>, perDocument: ReadonlyArray<Counted>) => {
  const names = entityNames(perDocument)
  return members.flatMap((member) => salienceOfGroup(member, names))
}
