// raw/dataset.yaml: what the published dataset is called, its version, licence and citation.
import { Schema } from "effect"

export const SemVer = Schema.String.check(
  Schema.isPattern(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/, {
    message: "must be a semantic version such as 1.0.0"
  })
)

export const DatasetName = Schema.String.check(
  Schema.isPattern(/^[a-z0-9][a-z0-9._-]*$/, { message: "must be lower-case letters, digits, '.', '_' or '-'" })
)

export const DatasetCard = Schema.Struct({
  name: DatasetName,
  version: SemVer,
  title: Schema.NonEmptyString,
  description: Schema.NonEmptyString,
  /** What the corpus is not and what it cannot support: shown in the codebook's first section. */
  limitations: Schema.optional(Schema.Array(Schema.NonEmptyString)),
  licence: Schema.Struct({
    /** SPDX identifier of the licence of the derived tables. */
    data: Schema.NonEmptyString,
    /** Who holds the rights in the source texts, in plain words. */
    texts: Schema.NonEmptyString
  }),
  citation: Schema.Struct({
    authors: Schema.optional(Schema.Array(Schema.NonEmptyString)),
    year: Schema.optional(Schema.Int),
    /** The recommended citation, as a researcher would paste it. */
    text: Schema.NonEmptyString
  })
})
export type DatasetCard = typeof DatasetCard.Type

/** Used when a researcher's --raw folder has no dataset.yaml. */
export const defaultDatasetCard = (name: string): DatasetCard => ({
  name,
  version: "0.1.0",
  title: name,
  description: `Dataset built from the texts in ${name}/ by the comparative discourse pipeline.`,
  licence: {
    data: "CC-BY-4.0",
    texts: "The source texts remain the property of their publishers; texts.csv reproduces them for research use only."
  },
  citation: { text: `${name} (dataset), built with the comparative discourse pipeline. No dataset.yaml was given: add one with the authors and year to cite it properly.` }
})
