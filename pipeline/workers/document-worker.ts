// A worker thread of the document pool: compiles the codebooks it is given once, then answers each raw
// document with processCached's result (its annotation from the shared disk cache when there).
import { openDiskCache } from "../cache.ts"
import { compileContext, processCached, withoutRows, type CachedDocument, type DocumentCodebooks, type ProcessedDocument, type RowsPart } from "../document.ts"
import type { RawDocument } from "../ingest.ts"
import { serveRequests, setupData } from "./serve.ts"

export interface DocumentWorkerSetup {
  readonly codebooks: DocumentCodebooks
  readonly cache: { readonly dir: string; readonly inputsKey: string; readonly codeKey: string } | null
  /** Rows not sent back: their tables are taken from the table store. */
  readonly withoutRows: ReadonlyArray<RowsPart>
}

const setup = setupData<DocumentWorkerSetup>()
const context = compileContext(setup.codebooks)
const cache = setup.cache === null
  ? undefined
  : { entries: openDiskCache<CachedDocument>(setup.cache.dir), inputsKey: setup.cache.inputsKey, codeKey: setup.cache.codeKey }

const dropped = new Set(setup.withoutRows)

serveRequests((doc: RawDocument): ProcessedDocument => withoutRows(processCached(doc, context, cache), dropped))
