import { Column, defineTable } from "./table.ts"
import { groupingsWithDocument } from "./term_frequencies.ts"

export const namingVariants = defineTable({
  name: "naming_variants",
  title: "Naming variants",
  description:
    "How each group and each document names things that outlets name differently (codebooks/naming.yaml): for every concept the group mentions at least once, the count and share of each of its variants, zeros included. A form matches consecutive tokens of one sentence by lemma or normal form (case-insensitive), or, for a case-sensitive form such as an abbreviation, exactly as written; a hyphen between words is optional. Within a concept the longest match wins and a span counts once; concepts are matched independently (\"Kiev regime\" counts for the government concept and, through \"Kiev\", for the spelling of the capital). Matches inside a concept's exclusion phrases are not counted. Figures are rounded to 6 significant digits.",
  rowPer: "(grouping, group, concept, variant)",
  stage: "measure",
  fields: {
    group_by: Column.literal(groupingsWithDocument, "The grouping: document (one document), outlet, country or camp."),
    group: Column.id("The group: a doc_id, an outlet_id, an ISO 3166-1 alpha-2 country code or a camp."),
    concept: Column.id("Concept identifier from the naming codebook."),
    variant: Column.id("The variant, as labelled in the naming codebook."),
    count: Column.integer("Matches of the variant's forms in the group.", { unit: "matches", minimum: 0 }),
    share: Column.number("Share of the variant among all matches of the concept in the group.", {
      unit: "proportion",
      formula: "count / (sum of count over the concept's variants in the group)",
      minimum: 0,
      maximum: 1
    })
  },
  primaryKey: ["group_by", "group", "concept", "variant"],
  orderedBy: ["group_by", "group", "concept", "variant"],
  units: ["group_by", "group"]
})
