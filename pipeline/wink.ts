// wink-nlp, read one document at a time as if by a fresh instance.
//
// wink keeps every out-of-vocabulary word it has read in one cache per instance, and its tokenizer
// splits a string differently once the string is cached ("Zelenskyy’s" stays one token after it has
// met "Zelenskyy’s—"). A document's tokens would then depend on the documents read before it in the
// same process: adding a text to a corpus, or spreading documents over worker threads, would change
// other documents' rows. A fresh instance per document costs ~100 ms, so instead the cache's text
// lookups, which only the tokenizer uses, see just the model's own lexicon and the words added while
// reading the current document, exactly what a fresh instance would see. Each word's stored features
// are computed from the word alone, so sharing them across documents changes nothing.
import { createRequire } from "node:module"

const require = createRequire(import.meta.url)

interface WinkCache {
  readonly lookup: (text: string) => Array<number> | null
  readonly add: (text: string, category: number) => number
  readonly intrinsicSize: () => number
}

let startDocument: () => void = () => {}

const cachePath = require.resolve("wink-nlp/src/cache.js")
const createCache = require(cachePath) as (model: unknown, featureFn: unknown) => WinkCache

const documentScopedCache = (model: unknown, featureFn: unknown): WinkCache => {
  const cache = createCache(model, featureFn)
  const intrinsicSize = cache.intrinsicSize()
  let addedThisDocument = new Set<number>()
  startDocument = () => {
    addedThisDocument = new Set()
  }
  const remember = (text: string) => {
    const found = cache.lookup(text)
    if (found !== null && found.length === 1) addedThisDocument.add(found[0]!)
  }
  return {
    ...cache,
    lookup: (text) => {
      const found = cache.lookup(text)
      const learnedEarlier = found !== null && found.length === 1 && found[0]! >= intrinsicSize && !addedThisDocument.has(found[0]!)
      return learnedEarlier ? null : found
    },
    add: (text, category) => {
      const index = cache.add(text, category)
      addedThisDocument.add(index)
      remember(text.toLowerCase()) // add() also stores the lower-cased form, as a fresh instance would
      return index
    }
  }
}

// Installed before wink-nlp is first loaded, so that its instances are built with the scoped cache.
require.cache[cachePath]!.exports = documentScopedCache

type WinkNLP = typeof import("wink-nlp").default
let instance: ReturnType<WinkNLP> | undefined

/**
 * The wink-nlp instance, its model loaded on first use: a main thread whose documents are annotated by
 * workers, or come from the cache, never pays for it.
 */
export const wink = (): ReturnType<WinkNLP> => {
  if (instance === undefined) {
    const winkNLP = require("wink-nlp") as WinkNLP
    instance = winkNLP(require("wink-eng-lite-web-model") as Parameters<WinkNLP>[0])
  }
  return instance
}

/** Reads one document as a fresh wink-nlp instance would. */
export const readDocument = (text: string) => {
  startDocument()
  return wink().readDoc(text)
}
