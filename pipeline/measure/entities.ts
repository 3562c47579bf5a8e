// Entity salience: mentions of each canonical entity per document and per group.
import type { entities } from "../../schemas/entities.ts"
import { entitySalience } from "../../schemas/entity_salience.ts"
import { compareRows, type Row } from "../../schemas/table.ts"
import type { GroupMember } from "./groups.ts"
import { rate, roundPublished } from "./stats.ts"
import type { EntityName, Interner } from "./record.ts"
import type { EntityCount } from "./types.ts"

/** What salience reads of a document: its tokens and its (entity name number, mentions) pairs. */
type Counted = { readonly tokens: number; readonly entityCounts: Int32Array }

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
const entityNames = (perDocument: ReadonlyArray<Counted>, names: Interner<EntityName>) => {
  const mentionsOfName = new Float64Array(names.size)
  const used = new Uint8Array(names.size)
  for (const { entityCounts } of perDocument) {
    for (let i = 0; i < entityCounts.length; i += 2) {
      mentionsOfName[entityCounts[i]!]! += entityCounts[i + 1]!
      used[entityCounts[i]!] = 1
    }
  }
  const chosen = new Map<string, { canonical: string; type: EntityType; key: string; mentions: number }>()
  for (let n = 0; n < names.size; n++) {
    if (used[n] === 0) continue
    const { entity_id, canonical, type } = names.valueOf(n)
    const candidate = { canonical, type, key: nameKey(canonical, type), mentions: mentionsOfName[n]! }
    const best = chosen.get(entity_id)
    if (best === undefined || candidate.mentions > best.mentions || (candidate.mentions === best.mentions && candidate.key < best.key)) {
      chosen.set(entity_id, candidate)
    }
  }
  return chosen
}

const salienceOfGroup = (
  member: GroupMember<Counted>,
  names: Interner<EntityName>,
  chosen: Map<string, { canonical: string; type: EntityType }>
): Array<Row<typeof entitySalience>> => {
  const byEntity = new Map<string, { mentions: number; docs: number }>()
  let tokens = 0
  for (const { tokens: documentTokens, entityCounts } of member.documents) {
    tokens += documentTokens
    const inDocument = new Map<string, number>()
    for (let i = 0; i < entityCounts.length; i += 2) {
      const entityId = names.valueOf(entityCounts[i]!).entity_id
      inDocument.set(entityId, (inDocument.get(entityId) ?? 0) + entityCounts[i + 1]!)
    }
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
    canonical: chosen.get(entityId)!.canonical,
    type: chosen.get(entityId)!.type,
    mentions,
    docs,
    per_10k: roundPublished(rate(mentions, tokens, 10_000)),
    share: roundPublished(rate(mentions, groupMentions, 1))
  }))
}

/**
 * entity_salience rows in the table's order, a group at a time (`names` numbers the records' entity
 * names): `members` must be in (group_by, group) order, as membersByGroup gives them. Only one group's
 * rows are held at a time.
 */
export const entitySalienceRows = (
  members: ReadonlyArray<GroupMember<Counted>>,
  perDocument: ReadonlyArray<Counted>,
  names: Interner<EntityName>
): Iterable<Row<typeof entitySalience>> => {
  const chosen = entityNames(perDocument, names)
  const byOrder = compareRows(entitySalience)
  return {
    *[Symbol.iterator]() {
      for (const member of members) yield* salienceOfGroup(member, names, chosen).sort(byOrder)
    }
  }
}
