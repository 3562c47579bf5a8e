import { Column, defineTable } from "./table.ts"

export const sentences = defineTable({
  name: "sentences",
  title: "Sentences",
  description: "Sentences of the clean texts, with their paragraph and offsets into texts.text_clean.",
  rowPer: "sentence",
  stage: "segment",
  fields: {
    doc_id: Column.id("Document identifier (documents.doc_id)."),
    sentence_id: Column.id("Sentence identifier, unique in the dataset: doc_id, '#s' and the sentence index."),
    paragraph: Column.integer("0-based index of the paragraph within the document.", { minimum: 0 }),
    index: Column.integer("0-based index of the sentence within the document.", { minimum: 0 }),
    start: Column.integer("Start of the sentence in texts.text_clean.", { unit: "UTF-16 code units", minimum: 0 }),
    end: Column.integer("End (exclusive) of the sentence in texts.text_clean.", { unit: "UTF-16 code units", minimum: 0 }),
    text: Column.string("The sentence text, text_clean[start:end]."),
    n_tokens: Column.integer("Number of tokens in the sentence (punctuation included).", { minimum: 0 }),
    is_heading: Column.boolean("True for a heading or title line (a short paragraph without closing punctuation), not running prose.")
  },
  primaryKey: ["sentence_id"],
  foreignKeys: [{ fields: ["doc_id"], table: "documents", reference: ["doc_id"] }],
  orderedBy: ["doc_id", "index"]
})
