import { readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { cacheKey, codeFingerprint, openDiskCache } from "../pipeline/cache.ts"
import { tempDir } from "./support.ts"

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
