// Every published table, in the order the dataset lists them.
import type { Table } from "./table.ts"
import { documents } from "./documents.ts"
import { texts } from "./texts.ts"
import { cleaningLog } from "./cleaning_log.ts"
import { sentences } from "./sentences.ts"
import { tokens } from "./tokens.ts"
import { entities } from "./entities.ts"
import { termFrequencies } from "./term_frequencies.ts"
import { keyness } from "./keyness.ts"
import { entitySalience } from "./entity_salience.ts"
import { frameLexicon } from "./frame_lexicon.ts"
import { frameHits } from "./frame_hits.ts"
import { frameScores } from "./frame_scores.ts"
import { namingVariants } from "./naming_variants.ts"

export const publishedTables: ReadonlyArray<Table<any>> = [
  documents,
  texts,
  cleaningLog,
  sentences,
  tokens,
  entities,
  termFrequencies,
  keyness,
  entitySalience,
  frameLexicon,
  frameHits,
  frameScores,
  namingVariants
]
