import { Column, defineTable } from "./table.ts"

export const documents = defineTable({
  name: "documents",
  title: "Documents",
  description: "One row per document of the corpus: its manifest metadata, its outlet and counts of what the pipeline found in it.",
  rowPer: "document",
  stage: "ingest, clean, segment, annotate",
  fields: {
    doc_id: Column.id("Stable document identifier from sources.csv."),
    file: Column.string("Path of the raw text relative to raw/texts/."),
    outlet_id: Column.nullable(Column.id("Outlet identifier from outlets.csv; empty when the outlet is unknown.")),
    outlet: Column.nullable(Column.id("Outlet name from outlets.csv.")),
    country: Column.nullable(Column.id("Outlet country, ISO 3166-1 alpha-2.")),
    camp: Column.nullable(Column.id("Researcher-assigned comparison group: the document's own camp from sources.csv, else its outlet's.")),
    outlet_source: Column.literal(["manifest", "inferred", "unknown"], "Where outlet_id comes from: the manifest, inferred from a cue in the raw text, or unknown."),
    outlet_evidence: Column.nullable(Column.string("For an inferred outlet, the raw-text cue that identified it.")),
    genre: Column.nullable(Column.literal(["news", "opinion", "blog", "analysis", "commentary"], "Genre from sources.csv.")),
    language: Column.nullable(Column.id("Language code from sources.csv (BCP 47).")),
    title: Column.nullable(Column.string("Title: from the manifest, else the heading the text gives (see title_source).")),
    title_source: Column.nullable(Column.literal(["manifest", "text"], "Where the title comes from: the manifest, or the text itself (the heading removed or kept by cleaning).")),
    author: Column.nullable(Column.string("Author: from the manifest, else the byline or author bio the text gives (see author_source).")),
    author_source: Column.nullable(Column.literal(["manifest", "text"], "Where the author comes from: the manifest, or a byline or author bio in the text (its span is in cleaning_log).")),
    published: Column.nullable(Column.id("Publication date from sources.csv: ISO 8601 date (YYYY-MM-DD) or year-month (YYYY-MM).")),
    url: Column.nullable(Column.string("Original URL from sources.csv.")),
    n_chars_raw: Column.integer("Length of the ingested raw text (after UTF-8 decoding, NFC and line-ending normalisation).", { unit: "UTF-16 code units", minimum: 0 }),
    n_chars_clean: Column.integer("Length of texts.text_clean.", { unit: "UTF-16 code units", minimum: 0 }),
    n_paragraphs: Column.integer("Number of paragraphs in the clean text.", { minimum: 0 }),
    n_sentences: Column.integer("Number of rows in sentences for this document.", { minimum: 0 }),
    n_tokens: Column.integer("Number of tokens (punctuation included, whitespace excluded) in the clean text.", { minimum: 0 }),
    sha256_raw: Column.id("SHA-256 of the raw file's bytes, hex.")
  },
  primaryKey: ["doc_id"],
  orderedBy: ["doc_id"]
})
