import { Column, defineTable } from "./table.ts"

export const texts = defineTable({
  name: "texts",
  title: "Clean texts",
  description: "The clean text of each document, after boilerplate removal. Every offset in the dataset points into text_clean.",
  rowPer: "document",
  stage: "clean",
  fields: {
    doc_id: Column.id("Document identifier (documents.doc_id)."),
    text_clean: Column.string("The document's text with boilerplate removed; paragraphs separated by a blank line.")
  },
  primaryKey: ["doc_id"],
  foreignKeys: [{ fields: ["doc_id"], table: "documents", reference: ["doc_id"] }],
  orderedBy: ["doc_id"]
})
