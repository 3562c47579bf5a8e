import { readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { deserialize, serialize } from "node:v8"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { cacheKey, codeFingerprint, openDiskCache } from "../pipeline/cache.ts"
import { loadCodebooks } from "../pipeline/codebooks.ts"
import { annotateDocument, compileContext, measureAnnotated, measureView, measureViewOf, type MeasureView } from "../pipeline/document.ts"
import { readDocument, readManifest } from "../pipeline/ingest.ts"
import { seedRaw, succeed, tempDir } from "./support.ts"

describe("the per-document disk cache", () => {
  it("gives back what was put, under the same key only", () => {
    const cache = openDiskCache<{ rows: Array<{ a: number; b: string | null }> }>(tempDir("cache"))
    const key = cacheKey("doc-1", "sha", { codebook: "1.0.0" })
    expect(cache.get(key)).toBeUndefined()
    cache.put(key, { rows: [{ a: 1, b: null }, { a: 2, b: "Kyiv" }] })
    expect(cache.get(key)).toEqual({ rows: [{ a: 1, b: null }, { a: 2, b: "Kyiv" }] })
    expect(cache.get(cacheKey("doc-1", "sha", { codebook: "1.0.1" }))).toBeUndefined()
  })

  it("treats an unreadable entry as a miss and leaves no temporary file behind", () => {
    const dir = tempDir("cache")
    const cache = openDiskCache<string>(dir)
    const key = cacheKey("x")
    cache.put(key, "value")
    writeFileSync(join(dir, key.slice(0, 2), `${key}.v8`), "not a v8 value")
    expect(cache.get(key)).toBeUndefined()
    expect(readdirSync(join(dir, key.slice(0, 2))).filter((name) => name.endsWith(".tmp"))).toEqual([])
  })

  it("keys depend on every part, in order", () => {
    expect(cacheKey("a", "b")).not.toBe(cacheKey("b", "a"))
    expect(cacheKey({ x: 1 })).toBe(cacheKey({ x: 1 }))
  })

  it("fingerprints the pipeline's code together with the library versions", () => {
    expect(codeFingerprint({ "wink-nlp": "2.4.0" })).toBe(codeFingerprint({ "wink-nlp": "2.4.0" }))
    expect(codeFingerprint({ "wink-nlp": "2.4.0" })).not.toBe(codeFingerprint({ "wink-nlp": "2.4.1" }))
  })
})

describe("a document's measure view (what a re-run reads when it needs none of its rows)", () => {
  it("measures each seed document exactly as its annotation does, once through the cache's serialisation", async () => {
    const { manifest, codebooks } = await succeed(Effect.gen(function* () {
      return { manifest: yield* readManifest(seedRaw), codebooks: yield* loadCodebooks(seedRaw) }
    }))
    const context = compileContext({ outlets: manifest.outlets, ...codebooks })
    for (const { line, row } of manifest.sources) {
      const annotated = annotateDocument(await succeed(readDocument(seedRaw, row, line)), context)
      const view = deserialize(serialize(measureViewOf(annotated))) as MeasureView
      const fromRows = measureAnnotated(annotated, context.measures)
      const fromView = measureView(view, context.measures)
      expect(fromView.measures, row.doc_id).toEqual(fromRows.measures)
      expect(fromView.measures.frame_hits.length + fromView.measures.naming.length, row.doc_id).toBeGreaterThan(0)
      expect({ document: fromView.document, sizes: fromView.sizes, warnings: fromView.warnings }).toEqual({
        document: fromRows.document,
        sizes: fromRows.sizes,
        warnings: fromRows.warnings
      })
    }
  })
})
