// A worker thread of the document pool: given the codebooks (once, in its setup), it answers each
// document with processCached's result (its annotation from the shared disk cache when there). A
// document sent without its text (known by its bytes' SHA-256 only) is answered from the cache, or with
// null if its entry is not there whole: the text is then read and sent.
import { compileContext, type DocumentCodebooks, type DocumentReply, type DocumentRequest, fromCache, hasText, type LeftOutPart, openDocumentCache, processCached } from "../document.ts"
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
  const withoutTerms = new Set([...leftOut, "terms" as const])
  return (doc: DocumentRequest): DocumentReply =>
    hasText(doc)
      ? processCached(doc, context, cache, leftOut)
      : cache === undefined
      ? null
      : fromCache(doc, context, cache, doc.termsCounted === true ? withoutTerms : leftOut) ?? null
})
