import { Column, defineTable } from "./table.ts"

export const frameLexicon = defineTable({
  name: "frame_lexicon",
  title: "Framing lexicon",
  description:
    "The framing codebook (codebooks/frames.yaml) as a table: every term of every frame, with the frame's label, definition, literature and exclusions. A lemma term matches one token whose lemma (or normal form) equals it; a phrase matches consecutive tokens of one sentence, each by lemma or normal form, a hyphen between words being optional. Within a frame the longest match wins and matches do not overlap; frames are matched independently. A match inside a match of one of the frame's exclusion phrases is not counted.",
  rowPer: "(frame, term)",
  stage: "measure",
  fields: {
    frame_id: Column.id("Frame identifier from the codebook."),
    label: Column.string("Short name of the frame."),
    definition: Column.string("What the frame emphasises, as defined in the codebook."),
    sources: Column.string("The literature the frame draws on, references separated by ' | '."),
    term: Column.id("The term as written in the codebook, lower-cased."),
    match: Column.literal(["lemma", "phrase"], "How the term is matched: lemma (one token) or phrase (consecutive tokens)."),
    shared: Column.boolean("True when the codebook declares that the term deliberately also belongs to another frame (its hits count for both)."),
    exclusions: Column.nullable(Column.string("The frame's exclusion phrases, separated by ' | ': hits inside them are not counted (e.g. 'cold war' for 'war'). Empty when the frame has none.")),
    lexicon_version: Column.id("Version of the framing codebook.")
  },
  primaryKey: ["frame_id", "term"],
  orderedBy: ["frame_id", "term"]
})
