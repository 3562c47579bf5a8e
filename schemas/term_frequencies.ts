import { Column, defineTable } from "./table.ts"

// The groupings every measure compares. Documents whose value is unknown (null) form no group
// of their own but stay in every keyness reference corpus. Shared by the measure tables.
export const groupings = ["camp", "country", "outlet"] as const
export type Grouping = (typeof groupings)[number]
export const groupingsWithDocument = ["camp", "country", "document", "outlet"] as const
export type GroupingWithDocument = (typeof groupingsWithDocument)[number]

export const groupByColumn = Column.literal(
  groupings,
  "The grouping compared: outlet (documents.outlet_id), country (documents.country) or camp (documents.camp)."
)
export const groupColumn = Column.id(
  "The group: an outlet_id, an ISO 3166-1 alpha-2 country code or a camp. Documents whose value is unknown belong to no group."
)

/** Floating-point figures of the measure tables are rounded to this many significant digits. */
export const PUBLISHED_SIGNIFICANT_DIGITS = 6

export const termFrequencies = defineTable({
  name: "term_frequencies",
  title: "Term frequencies",
  description:
    "How often each unigram and bigram occurs in each group, by normal form and by lemma. Tokens come from the tokens table; punctuation is excluded and breaks bigrams, except a hyphen between two words (\"full-scale\" gives the bigram \"full scale\"). Bigrams do not cross sentence boundaries. Stop words are kept and flagged. Figures are rounded to 6 significant digits.",
  rowPer: "(grouping, group, form, n-gram size, term)",
  stage: "measure",
  fields: {
    group_by: groupByColumn,
    group: groupColumn,
    form: Column.literal(["lemma", "normal"], "Which token form the term is built from: tokens.normal (lower case, contractions expanded) or tokens.lemma."),
    ngram: Column.integer("Number of tokens in the term: 1 (unigram) or 2 (bigram).", { minimum: 1, maximum: 2 }),
    term: Column.id("The term: one token form, or two joined by a single space."),
    is_stop: Column.boolean("True when the term is or contains a stop word (tokens.is_stop of any occurrence of any of its tokens), so that users can filter them out."),
    count: Column.integer("Occurrences of the term in the group's documents.", { unit: "occurrences", minimum: 1 }),
    docs: Column.integer("Number of the group's documents containing the term.", { unit: "documents", minimum: 1 }),
    per_10k: Column.number("Occurrences per 10,000 tokens of the group (punctuation excluded; the same denominator for unigrams and bigrams).", {
      unit: "occurrences per 10,000 tokens",
      formula: "count / tokens_in_group * 10000, tokens_in_group = number of non-punctuation tokens in the group's documents",
      minimum: 0
    })
  },
  primaryKey: ["group_by", "group", "form", "ngram", "term"],
  orderedBy: ["group_by", "group", "form", "ngram", "term"],
  units: ["group_by", "group"]
})
