// Every published table, in the order the dataset lists them.
import type { Table } from "./table.ts"
import { documents } from "./documents.ts"
import { texts } from "./texts.ts"
import { cleaningLog } from "./cleaning_log.ts"
import { sentences } from "./sentences.ts"
import { tokens } from "./tokens.ts"
import { entities } from "./entities.ts"

export const publishedTables: ReadonlyArray<Table<any>> = [documents, texts, cleaningLog, sentences, tokens, entities]
