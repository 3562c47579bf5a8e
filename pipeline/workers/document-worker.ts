// A worker thread of the document pool: given the codebooks (once, in its setup), it answers each raw
// document with processCached's result (its annotation from the shared disk cache when there).
import { compileContext, openDocumentCache, processCached, type DocumentCodebooks, type LeftOutPart, type ProcessedDocument } from "../document.ts"
import type { RawDocument } from "../ingest.ts"
import type { CompiledMeasureCodebooks } from "../measure/index.ts"
import { serveWithSetup } from "./serve.ts"

export interface DocumentWorkerSetup {
  readonly codebooks: DocumentCodebooks
  /** Compiled once, by the main thread. */
  readonly measures: CompiledMeasureCodebooks
  readonly cache: { readonly dir: string; readonly inputsKey: string; readonly codeKey: string } | null
  /** Parts not sent back: their tables are taken from the table store. */
  readonly leftOut: ReadonlyArray<LeftOutPart>
}

serveWithSetup((setup: DocumentWorkerSetup) => {
  const context = compileContext(setup.codebooks, setup.measures)
  const cache = setup.cache === null ? undefined : openDocumentCache(setup.cache.dir, setup.cache)
  const leftOut = new Set(setup.leftOut)
  return (doc: RawDocument): ProcessedDocument => processCached(doc, context, cache, leftOut)
})
