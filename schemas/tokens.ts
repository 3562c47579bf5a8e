import { Column, defineTable } from "./table.ts"

export const tokens = defineTable({
  name: "tokens",
  title: "Tokens",
  description: "Every token of the clean texts (wink-nlp), whitespace excluded, with offsets into texts.text_clean.",
  rowPer: "token",
  stage: "annotate",
  fields: {
    doc_id: Column.id("Document identifier (documents.doc_id)."),
    sentence_id: Column.id("Sentence the token belongs to (sentences.sentence_id)."),
    index: Column.integer("0-based index of the token within the document.", { minimum: 0 }),
    start: Column.integer("Start of the token in texts.text_clean.", { unit: "UTF-16 code units", minimum: 0 }),
    end: Column.integer("End (exclusive) of the token in texts.text_clean.", { unit: "UTF-16 code units", minimum: 0 }),
    text: Column.string("The token as written."),
    normal: Column.id("Normal form: lower case, contractions expanded (n't → not), curly apostrophes made straight."),
    lemma: Column.id("Lemma (wink-nlp), lower-cased with straight apostrophes so that counts by lemma group all forms."),
    pos: Column.id("Universal Dependencies part-of-speech tag (wink-nlp)."),
    is_stop: Column.boolean("True for a stop word in wink-nlp's English list."),
    is_punct: Column.boolean("True for punctuation.")
  },
  primaryKey: ["doc_id", "index"],
  foreignKeys: [
    { fields: ["doc_id"], table: "documents", reference: ["doc_id"] },
    { fields: ["sentence_id"], table: "sentences", reference: ["sentence_id"] }
  ],
  orderedBy: ["doc_id", "index"]
})
