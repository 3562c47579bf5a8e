import { Column, defineTable } from "./table.ts"

export const frameHits = defineTable({
  name: "frame_hits",
  title: "Frame hits",
  description:
    "Every match of a framing-lexicon term in the clean texts (see frame_lexicon for the matching rules), with offsets into texts.text_clean.",
  rowPer: "lexicon match",
  stage: "measure",
  fields: {
    doc_id: Column.id("Document identifier (documents.doc_id)."),
    sentence_id: Column.id("Sentence of the match (sentences.sentence_id)."),
    frame_id: Column.id("Frame of the matched term (frame_lexicon.frame_id)."),
    term: Column.id("The matched term (frame_lexicon.term)."),
    match: Column.literal(["lemma", "phrase"], "How the term matched: lemma (one token) or phrase (consecutive tokens)."),
    start: Column.integer("Start of the match (its first token) in texts.text_clean.", { unit: "UTF-16 code units", minimum: 0 }),
    end: Column.integer("End (exclusive) of the match (its last token) in texts.text_clean.", { unit: "UTF-16 code units", minimum: 0 }),
    surface: Column.string("The match as written, text_clean[start:end].")
  },
  primaryKey: ["doc_id", "start", "frame_id"],
  foreignKeys: [
    { fields: ["doc_id"], table: "documents", reference: ["doc_id"] },
    { fields: ["sentence_id"], table: "sentences", reference: ["sentence_id"] },
    { fields: ["frame_id", "term"], table: "frame_lexicon", reference: ["frame_id", "term"] }
  ],
  orderedBy: ["doc_id", "start", "frame_id"]
})
