import { Column, defineTable } from "./table.ts"
import { groupByColumn } from "./term_frequencies.ts"

/** Keyness rows are kept for terms occurring at least this often in the whole corpus (count_target + count_reference). */
export const KEYNESS_MIN_FREQUENCY = 5

export const keyness = defineTable({
  name: "keyness",
  title: "Keyness",
  description:
    `Keywords of each group against all other documents of the corpus (the reference corpus: every document outside the group, documents of unknown group included). Terms as in term_frequencies. A term is listed for every group when it occurs at least ${KEYNESS_MIN_FREQUENCY} times in the whole corpus (count_target + count_reference), so terms a group avoids appear with count_target 0 and a negative g2. No rows for a group whose reference corpus is empty. Figures are rounded to 6 significant digits.`,
  rowPer: "(grouping, target group, form, n-gram size, term)",
  stage: "measure",
  fields: {
    group_by: groupByColumn,
    target: Column.id("The target group: an outlet_id, an ISO 3166-1 alpha-2 country code or a camp."),
    form: Column.literal(["lemma", "normal"], "Which token form the term is built from: tokens.normal or tokens.lemma."),
    ngram: Column.integer("Number of tokens in the term: 1 or 2.", { minimum: 1, maximum: 2 }),
    term: Column.id("The term: one token form, or two joined by a single space."),
    is_stop: Column.boolean("True when the term is or contains a stop word."),
    count_target: Column.integer("Occurrences in the target group (a).", { unit: "occurrences", minimum: 0 }),
    count_reference: Column.integer("Occurrences in the reference corpus (b).", { unit: "occurrences", minimum: 0 }),
    total_target: Column.integer("Occurrences of all terms of this form and n-gram size in the target group (c); for unigrams, its non-punctuation tokens.", { unit: "occurrences", minimum: 1 }),
    total_reference: Column.integer("The same total for the reference corpus (d).", { unit: "occurrences", minimum: 1 }),
    g2: Column.number("Signed log-likelihood G² (Rayson & Garside 2000), no continuity correction: positive when the term is relatively more frequent in the target (a/c > b/d), negative when less.", {
      formula: "E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d); G2 = 2(a ln(a/E1) + b ln(b/E2)) with 0 ln 0 = 0; sign + if a/c > b/d, - if a/c < b/d"
    }),
    p_value: Column.number("p-value of |g2| under the chi-square distribution with one degree of freedom (3.84 ↔ 0.05, 6.63 ↔ 0.01, 10.83 ↔ 0.001). Not corrected for the many terms tested. 0 when below the smallest representable double.", {
      formula: "P(X > |g2|), X ~ chi-square(1 df) = erfc(sqrt(|g2| / 2))",
      minimum: 0,
      maximum: 1
    }),
    log_ratio: Column.number("Log Ratio effect size (Hardie 2014): binary log of the ratio of relative frequencies; each unit doubles. A zero count is replaced by 0.5.", {
      unit: "log2 of ratio",
      formula: "log2((a' / c) / (b' / d)), a' = a or 0.5 if a = 0, b' = b or 0.5 if b = 0"
    })
  },
  primaryKey: ["group_by", "target", "form", "ngram", "term"],
  orderedBy: ["group_by", "target", "form", "ngram", "term"]
})
