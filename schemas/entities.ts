import { Column, defineTable } from "./table.ts"

export const entityTypes = [
  "PERSON", "ORG", "GPE", "MEDIA", "EVENT", "UNKNOWN",
  "DATE", "TIME", "DURATION", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "URL", "EMAIL", "HASHTAG", "MENTION"
] as const

export const entities = defineTable({
  name: "entities",
  title: "Entity mentions",
  description: "Entity mentions in the clean texts. Named entities (PERSON, ORG, GPE, MEDIA, EVENT) come from the gazetteer codebook and are linked to a canonical entity; names the gazetteer lacks come from a proper-noun fallback; dates, numbers, money and the like are wink-nlp's built-in entities. Mentions do not overlap.",
  rowPer: "entity mention",
  stage: "annotate",
  fields: {
    doc_id: Column.id("Document identifier (documents.doc_id)."),
    sentence_id: Column.id("Sentence the mention starts in (sentences.sentence_id)."),
    start: Column.integer("Start of the mention in texts.text_clean.", { unit: "UTF-16 code units", minimum: 0 }),
    end: Column.integer("End (exclusive) of the mention in texts.text_clean.", { unit: "UTF-16 code units", minimum: 0 }),
    surface: Column.string("The mention as written."),
    entity_id: Column.nullable(Column.id("Canonical entity id: a gazetteer id, or 'auto:' and the normalised name for a fallback mention; empty for built-in types.")),
    canonical: Column.string("Canonical name: the gazetteer's name (Kiev → Kyiv), the normalised name of a fallback mention, or the surface of a built-in entity."),
    type: Column.literal(entityTypes, "Entity type."),
    wikidata: Column.nullable(Column.id("Wikidata id of the canonical entity, where the gazetteer gives one.")),
    method: Column.literal(["gazetteer", "fallback", "builtin"], "How the mention was found: gazetteer variant, proper-noun fallback, or wink-nlp built-in entity.")
  },
  primaryKey: ["doc_id", "start"],
  foreignKeys: [
    { fields: ["doc_id"], table: "documents", reference: ["doc_id"] },
    { fields: ["sentence_id"], table: "sentences", reference: ["sentence_id"] }
  ],
  orderedBy: ["doc_id", "start"]
})
