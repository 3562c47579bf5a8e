// The benchmark's synthetic corpus generator: deterministic, valid input for the pipeline, spread over
// outlets and camps, distinct documents; and the two edits of the incremental scenarios.
import { createHash } from "node:crypto"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { readManifest } from "../pipeline/ingest.ts"
import { loadCodebooks } from "../pipeline/codebooks.ts"
import { addDocument, addedFrameTerm, benchOutlets, editFramingCodebook, generateCorpus, loadSeedMaterial } from "../bench/corpus.ts"
import { removeDir, seedRaw, succeed, tempDir } from "./support.ts"

const docs = 60
const material = loadSeedMaterial()
const made: Array<string> = []

const corpus = (n: number, seed: number): string => {
  const dir = tempDir("bench")
  made.push(dir)
  generateCorpus(dir, n, seed, material)
  return dir
}

/** Every file under dir (relative path → SHA-256), to compare whole corpora. */
const fileHashes = (dir: string): Record<string, string> =>
  Object.fromEntries(
    (readdirSync(dir, { recursive: true, withFileTypes: true }) as Array<{ isFile(): boolean; parentPath: string; name: string }>)
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name)
        return [path.slice(dir.length + 1), createHash("sha256").update(readFileSync(path)).digest("hex")]
      })
  )

const textsOf = (dir: string) => readdirSync(join(dir, "texts")).sort().map((file) => readFileSync(join(dir, "texts", file), "utf8"))
const wordCount = (text: string) => text.split(/\s+/).filter((word) => word.length > 0).length

const base = corpus(docs, 7)
afterAll(() => made.forEach(removeDir))

describe("bench corpus: generation", () => {
  it("is deterministic: the same N and seed give byte-identical files, another seed other texts", () => {
    const again = fileHashes(corpus(docs, 7))
    expect(fileHashes(base)).toEqual(again)
    expect(Object.keys(again)).toHaveLength(docs + 3)
    const other = fileHashes(corpus(docs, 8))
    const differing = Object.keys(other).filter((path) => path.startsWith("texts/") && other[path] !== again[path])
    expect(differing.length).toBeGreaterThan(docs * 0.9)
  })

  it("writes N documents that the pipeline's ingest accepts, with the dataset card and outlet registry", async () => {
    const manifest = await succeed(readManifest(base))
    expect(manifest.sources).toHaveLength(docs)
    expect(manifest.outlets.size).toBe(benchOutlets.length)
    expect(manifest.dataset).toMatchObject({ name: `bench-${docs}`, version: `0.0.${docs}` })
  })

  it("spreads the documents over outlets, countries and the three camps, with a few of unknown outlet", async () => {
    const { sources, outlets } = await succeed(readManifest(base))
    const rows = sources.map(({ row }) => row)
    const outletIds = new Set(rows.flatMap((row) => (row.outlet_id === null ? [] : [row.outlet_id])))
    expect(outletIds.size).toBeGreaterThanOrEqual(10)
    const countries = new Set([...outletIds].map((id) => outlets.get(id)?.country))
    expect(countries.size).toBeGreaterThanOrEqual(6)
    const camps = rows.map((row) => row.camp ?? outlets.get(row.outlet_id ?? "")?.camp)
    expect(new Set(camps)).toEqual(new Set(["ua", "ru", "third-country"]))
    const unknown = rows.filter((row) => row.outlet_id === null)
    expect(unknown.length).toBeGreaterThanOrEqual(1)
    expect(unknown.length).toBeLessThan(docs / 10)
    expect(unknown.every((row) => row.camp !== null)).toBe(true)
  })

  it("makes distinct documents of news-article length from the seed texts", () => {
    const texts = textsOf(base)
    expect(new Set(texts).size).toBe(docs)
    for (const text of texts) expect(wordCount(text)).toBeGreaterThanOrEqual(850)
    for (const text of texts) expect(wordCount(text)).toBeLessThanOrEqual(1900)
    const seedSentence = "The American public, weary of endless wars, will likely welcome any move that brings U.S. troops home."
    expect(texts.some((text) => text.includes(seedSentence))).toBe(true)
  })

  it("spells Kyiv or Kiev by the document's camp", async () => {
    const { sources, outlets } = await succeed(readManifest(base))
    const texts = textsOf(base)
    const kievShare = (camp: string) => {
      const inCamp = sources.filter(({ row }) => (row.camp ?? outlets.get(row.outlet_id ?? "")?.camp) === camp)
      const mentions = inCamp.map(({ row }) => texts[Number(row.doc_id.slice("bench-".length))]!)
      const kiev = mentions.join(" ").match(/\bKiev\b/g)?.length ?? 0
      const kyiv = mentions.join(" ").match(/\bKyiv\b/g)?.length ?? 0
      return kiev / (kiev + kyiv)
    }
    expect(kievShare("ru")).toBeGreaterThan(kievShare("ua"))
  })
})

describe("bench corpus: incremental edits", () => {
  it("addDocument appends exactly the document a corpus of N + 1 has", async () => {
    const grown = corpus(docs, 7)
    expect(addDocument(grown, 7, material)).toBe(`bench-${String(docs).padStart(6, "0")}`)
    const bigger = fileHashes(corpus(docs + 1, 7))
    const { "dataset.yaml": _grownCard, ...grownFiles } = fileHashes(grown)
    const { "dataset.yaml": _biggerCard, ...biggerFiles } = bigger
    expect(grownFiles).toEqual(biggerFiles)
    expect((await succeed(readManifest(grown))).sources).toHaveLength(docs + 1)
  })

  it("editFramingCodebook writes the bundled lexicon with one more term in one frame and a bumped version", async () => {
    const dir = corpus(3, 7)
    const version = editFramingCodebook(dir)
    const edited = await succeed(loadCodebooks(dir))
    const bundled = await succeed(loadCodebooks(seedRaw))
    expect(edited.provenance.find((entry) => entry.name === "frames")?.origin).toBe("corpus")
    expect(edited.frames.version).toBe(version)
    expect(version).not.toBe(bundled.frames.version)
    const termsOf = (frames: typeof bundled.frames) => frames.frames.map((frame) => frame.lemmas.length)
    const changed = termsOf(edited.frames).map((count, i) => count - termsOf(bundled.frames)[i]!)
    expect(changed.filter((difference) => difference !== 0)).toEqual([1])
    expect(edited.frames.frames.flatMap((frame) => frame.lemmas)).toContain(addedFrameTerm)
    expect(bundled.frames.frames.flatMap((frame) => [...frame.lemmas, ...frame.phrases])).not.toContain(addedFrameTerm)
  })
})
