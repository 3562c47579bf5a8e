import { entityTypes } from "./entities.ts"
import { Column, defineTable } from "./table.ts"
import { groupingsWithDocument } from "./term_frequencies.ts"

export const entitySalience = defineTable({
  name: "entity_salience",
  title: "Entity salience",
  description:
    "How prominent each canonical entity is in each group and each document: mentions linked to an entity id (gazetteer and fallback mentions; dates, numbers and other built-in types are left out), documents mentioning it, mentions per 10,000 tokens and share of the group's linked mentions. Figures are rounded to 6 significant digits.",
  rowPer: "(grouping, group, entity)",
  stage: "measure",
  fields: {
    group_by: Column.literal(groupingsWithDocument, "The grouping: document (one document), outlet, country or camp."),
    group: Column.id("The group: a doc_id, an outlet_id, an ISO 3166-1 alpha-2 country code or a camp."),
    entity_id: Column.id("Canonical entity id (entities.entity_id)."),
    canonical: Column.string("Canonical name (entities.canonical); where mentions disagree, the most frequent name in the corpus, ties broken alphabetically."),
    type: Column.literal(entityTypes, "Entity type (entities.type); where mentions disagree, the most frequent in the corpus, ties broken alphabetically."),
    mentions: Column.integer("Mentions of the entity in the group.", { unit: "mentions", minimum: 1 }),
    docs: Column.integer("Documents of the group mentioning the entity.", { unit: "documents", minimum: 1 }),
    per_10k: Column.number("Mentions per 10,000 tokens of the group.", {
      unit: "mentions per 10,000 tokens",
      formula: "mentions / tokens_in_group * 10000, tokens_in_group = non-punctuation tokens of the group",
      minimum: 0
    }),
    share: Column.number("Share of the group's linked entity mentions that name this entity.", {
      unit: "proportion",
      formula: "mentions / (mentions of all entities with an entity_id in the group)",
      minimum: 0,
      maximum: 1
    })
  },
  primaryKey: ["group_by", "group", "entity_id"],
  orderedBy: ["group_by", "group", "entity_id"],
  units: ["group_by", "group"]
})
