import { Column, defineTable } from "./table.ts"

export const cleaningLog = defineTable({
  name: "cleaning_log",
  title: "Cleaning log",
  description: "Every span the clean stage removed from a raw text, with the boilerplate rule that removed it. Offsets are into the ingested raw text (UTF-8 decoded, BOM stripped, CRLF normalised to LF, NFC), not into text_clean.",
  rowPer: "removed span",
  stage: "clean",
  fields: {
    doc_id: Column.id("Document identifier (documents.doc_id)."),
    start: Column.integer("Start of the removed span in the ingested raw text.", { unit: "UTF-16 code units", minimum: 0 }),
    end: Column.integer("End (exclusive) of the removed span in the ingested raw text.", { unit: "UTF-16 code units", minimum: 0 }),
    removed_text: Column.string("The removed text, exactly."),
    rule: Column.id("Identifier of the boilerplate rule (codebooks/boilerplate.yaml) that removed the span.")
  },
  primaryKey: ["doc_id", "start"],
  foreignKeys: [{ fields: ["doc_id"], table: "documents", reference: ["doc_id"] }],
  orderedBy: ["doc_id", "start"]
})
