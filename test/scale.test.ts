// Worker threads, the per-document cache and sharding change how the documents are processed, never what
// is published: each way of running the seed corpus rebuilds the committed dataset byte for byte.
import { createHash } from "node:crypto"
import { existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from "node:fs"
import { join, relative } from "node:path"
import { Effect } from "effect"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { mergeShards, runPipeline, runShard } from "../pipeline/pipeline.ts"
import type { PipelineError } from "../pipeline/errors.ts"
import { parseShard, shareOf } from "../pipeline/shards.ts"
import { readManifest } from "../pipeline/ingest.ts"
import { loadCodebooks } from "../pipeline/codebooks.ts"
import { documentsFromRaw, tableStoreDir, termStoreDir } from "../pipeline/document-feed.ts"
import { compileContext, type ProcessedDocument } from "../pipeline/document.ts"
import { addDocument, editFramingCodebook, generateCorpus } from "../bench/corpus.ts"
import { openTableStore } from "../pipeline/table-store.ts"
import { openTermStore } from "../pipeline/term-store.ts"
import { codeFingerprint } from "../pipeline/cache.ts"
import { softwareVersions } from "../pipeline/software.ts"
import { copySeedCorpus, editFile, failureOf, projectRoot, seedRaw, succeed, tempDir } from "./support.ts"

const listFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort()

/** Every file of `built` equal, byte for byte, to the same file of `expected`, and no other files. */
const expectSameDataset = (built: string, expected: string) => {
  expect(listFiles(built)).toEqual(listFiles(expected))
  for (const file of listFiles(expected)) {
    expect(readFileSync(join(built, file)).equals(readFileSync(join(expected, file))), file).toBe(true)
  }
}

/** The cache's document entries (their measure views, each written last) with their modification times. */
const cacheEntries = (dir: string): Map<string, number> => {
  const documents = join(dir, "documents")
  return new Map(listFiles(documents).filter((file) => file.includes("/views/")).map((file) => [file, statSync(join(documents, file)).mtimeMs]))
}

/** The table store's entries (one folder per table and key). */
const storedTables = (dir: string): Array<string> =>
  listFiles(join(dir, "tables")).filter((file) => file.endsWith("entry.json"))

let committed: string

beforeAll(async () => {
  const manifest = await succeed(readManifest(seedRaw))
  committed = join(projectRoot, "dist-data", manifest.dataset.name, manifest.dataset.version)
})

describe("worker threads and the per-document cache", () => {
  const cacheDir = tempDir("cache")

  it("two workers, cold cache: the committed dataset, and one cache entry per document", async () => {
    const summary = await succeed(runPipeline({ rawDir: seedRaw, outDir: tempDir("out"), workers: 2, cacheDir }))
    expectSameDataset(summary.output, committed)
    expect(cacheEntries(cacheDir).size).toBe(5)
  })

  it("warm cache in the main thread: the committed dataset, no entry written again, every table taken from the store", async () => {
    const before = cacheEntries(cacheDir)
    expect(storedTables(cacheDir)).toHaveLength(13)
    const summary = await succeed(runPipeline({ rawDir: seedRaw, outDir: tempDir("out"), workers: 0, cacheDir }))
    expectSameDataset(summary.output, committed)
    expect(cacheEntries(cacheDir)).toEqual(before)
    expect(storedTables(cacheDir)).toHaveLength(13)
    expect(listFiles(join(cacheDir, "figures"))).toHaveLength(6) // drawn once, then taken
  })

  it("a stored table whose file was altered is written afresh, not taken", async () => {
    const store = tempDir("cache")
    await succeed(runPipeline({ rawDir: seedRaw, outDir: tempDir("out"), workers: 0, cacheDir: store }))
    const tokensCsv = listFiles(join(store, "tables")).find((file) => file.endsWith("csv/tokens.csv"))!
    editFile(join(store, "tables", tokensCsv), (text) => text.replace("Trump", "Trunp"))
    const summary = await succeed(runPipeline({ rawDir: seedRaw, outDir: tempDir("out"), workers: 0, cacheDir: store }))
    expectSameDataset(summary.output, committed)
  })

  it("a stored file altered behind the store's back (size and time kept) fails the read-back, and nothing is published", async () => {
    const store = tempDir("cache")
    await succeed(runPipeline({ rawDir: seedRaw, outDir: tempDir("out"), workers: 0, cacheDir: store }))
    const tokensCsv = join(store, "tables", listFiles(join(store, "tables")).find((file) => file.endsWith("csv/tokens.csv"))!)
    editFile(tokensCsv, (text) => text.replace("Trump", "Trunp"))
    const stat = statSync(tokensCsv, { bigint: true }) // and the entry made to say the file is untouched
    editFile(join(tokensCsv, "../../entry.json"), (text) => {
      const entry = JSON.parse(text)
      entry.stamps.csv = { ino: String(stat.ino), size: Number(stat.size), mtimeNs: String(stat.mtimeNs) }
      return JSON.stringify(entry)
    })
    const out = tempDir("out")
    const error = (await failureOf(runPipeline({ rawDir: seedRaw, outDir: out, workers: 0, cacheDir: store }))) as PipelineError
    expect(error.message).toContain("csv/tokens.csv")
    expect(error.message).toContain("did not read back as written")
    expect(listFiles(out)).toEqual([])
  })

  it("after the framing codebook is edited, the cached annotations give what a run without cache gives", async () => {
    const corpus = copySeedCorpus()
    const version = editFramingCodebook(corpus) // a new version, and a lemma added to a frame
    const before = cacheEntries(cacheDir)
    const cached = await succeed(runPipeline({ rawDir: corpus, outDir: tempDir("out"), workers: 2, cacheDir }))
    const cold = await succeed(runPipeline({ rawDir: corpus, outDir: tempDir("out") }))
    expect(cacheEntries(cacheDir)).toEqual(before) // every annotation came from the cache
    expect(readFileSync(join(cached.output, "manifest.json"), "utf8")).toContain(`"version": "${version}"`)
    expectSameDataset(cached.output, cold.output)
  })

  it("a re-run that takes every per-document table from the store reads only the documents' measure views", async () => {
    const viewsOnly = tempDir("cache")
    await succeed(runPipeline({ rawDir: seedRaw, outDir: tempDir("out"), workers: 2, cacheDir: viewsOnly }))
    const corpus = copySeedCorpus()
    editFramingCodebook(corpus)
    const annotations = readdirSync(join(viewsOnly, "documents")).map((fingerprint) => join(viewsOnly, "documents", fingerprint, "annotations"))
    for (const dir of annotations) rmSync(dir, { recursive: true })
    const cached = await succeed(runPipeline({ rawDir: corpus, outDir: tempDir("out"), workers: 2, cacheDir: viewsOnly }))
    const cold = await succeed(runPipeline({ rawDir: corpus, outDir: tempDir("out") }))
    expectSameDataset(cached.output, cold.output)
    expect(annotations.some((dir) => existsSync(dir))).toBe(false) // nothing was annotated again
  })

  it("a cached document whose rows are wanted but whose annotation is gone is read and annotated again", async () => {
    const store = tempDir("cache")
    await succeed(runPipeline({ rawDir: seedRaw, outDir: tempDir("out"), workers: 2, cacheDir: store }))
    const annotations = readdirSync(join(store, "documents")).map((fingerprint) => join(store, "documents", fingerprint, "annotations"))
    for (const dir of [...annotations, join(store, "tables")]) rmSync(dir, { recursive: true })
    const summary = await succeed(runPipeline({ rawDir: seedRaw, outDir: tempDir("out"), workers: 2, cacheDir: store }))
    expectSameDataset(summary.output, committed)
    expect(annotations.flatMap((dir) => listFiles(dir))).toHaveLength(5)
  })

  it("a cached document whose term lists are gone, its term totals not kept either, is read and annotated again", async () => {
    const store = tempDir("cache")
    await succeed(runPipeline({ rawDir: seedRaw, outDir: tempDir("out"), workers: 2, cacheDir: store }))
    const terms = readdirSync(join(store, "documents")).map((fingerprint) => join(store, "documents", fingerprint, "term-lists"))
    for (const dir of [...terms, join(store, "tables"), join(store, "terms")]) rmSync(dir, { recursive: true })
    const summary = await succeed(runPipeline({ rawDir: seedRaw, outDir: tempDir("out"), workers: 2, cacheDir: store }))
    expectSameDataset(summary.output, committed)
    expect(terms.flatMap((dir) => listFiles(dir))).toHaveLength(5)
  })

  it("a text that is not the one hashed as the run started is named, with the fix", async () => {
    const manifest = await succeed(readManifest(seedRaw))
    const codebooks = await succeed(loadCodebooks(seedRaw))
    const documentCodebooks = { outlets: manifest.outlets, ...codebooks }
    const known = new Map(manifest.sources.map(({ row }) => [row.doc_id, "0".repeat(64)]))
    const feed = documentsFromRaw(seedRaw, manifest.sources, documentCodebooks, compileContext(documentCodebooks), {
      workers: 0,
      cache: { dir: tempDir("cache"), inputsKey: "inputs", codeKey: "code" },
      known
    })
    const error = await failureOf(Effect.scoped(feed(() => Effect.void, new Set())))
    expect(error).toMatchObject({ file: `texts/${manifest.sources[0]!.row.file}`, problem: "changed while the pipeline was running" })
  })

  it("after the gazetteer is edited, every document is annotated again", async () => {
    const corpus = copySeedCorpus()
    editFile(join(corpus, "codebooks", "gazetteer.yaml"), (text) => `${text}\n# edited\n`)
    const before = cacheEntries(cacheDir)
    await succeed(runPipeline({ rawDir: corpus, outDir: tempDir("out"), workers: 0, cacheDir }))
    expect(cacheEntries(cacheDir).size).toBe(before.size + 5)
  })
})

describe("re-runs after texts are added and changed", () => {
  it("take the row groups and term totals that come out the same, and publish what a run without cache publishes", async () => {
    const corpus = tempDir("grown")
    generateCorpus(corpus, 48, 3)
    const cacheDir = tempDir("cache")
    const keptTerms = () => openTermStore(termStoreDir(cacheDir), codeFingerprint(softwareVersions())).latest()?.documents
    const rerunIsFresh = async () => {
      const cached = await succeed(runPipeline({ rawDir: corpus, outDir: tempDir("out"), workers: 2, cacheDir }))
      const fresh = await succeed(runPipeline({ rawDir: corpus, outDir: tempDir("out"), workers: 0 }))
      expectSameDataset(cached.output, fresh.output)
    }
    await succeed(runPipeline({ rawDir: corpus, outDir: tempDir("out"), workers: 2, cacheDir }))
    expect(keptTerms()?.size).toBe(48)
    const before = openTableStore(tableStoreDir(cacheDir)).latestGroups("tokens")
    expect(before?.groups.length).toBeGreaterThan(2) // so that some are left as they were

    // a text added: the kept totals count every other document, and only the new one's terms are folded in
    addDocument(corpus, 3)
    await rerunIsFresh()
    expect(keptTerms()?.size).toBe(49)

    // another added and one changed: the kept totals count a text as it was, so they are not taken
    addDocument(corpus, 3)
    editFile(join(corpus, "texts", "bench-000020.txt"), (text) => `${text}\n\nOne more paragraph on the talks in Istanbul, and on who called them what.\n`)
    await rerunIsFresh()
    expect(keptTerms()?.size).toBe(50)
    const after = openTableStore(tableStoreDir(cacheDir)).latestGroups("tokens")!
    const unchanged = after.groups.filter((group) => before!.groups.some((old) => JSON.stringify(old.documents) === JSON.stringify(group.documents)))
    expect(unchanged.length).toBeGreaterThan(0)
    expect(unchanged.length).toBeLessThan(after.groups.length)
  })

  it("documents whose terms the measures hold already come without their term lists, from workers or not", async () => {
    const corpus = tempDir("counted")
    generateCorpus(corpus, 6, 5)
    const manifest = await succeed(readManifest(corpus))
    const codebooks = { outlets: manifest.outlets, ...(await succeed(loadCodebooks(corpus))) }
    const sources = [...manifest.sources].sort((a, b) => (a.row.doc_id < b.row.doc_id ? -1 : 1))
    const counted = new Set(sources.slice(0, 4).map(({ row }) => row.doc_id))
    for (const workers of [0, 2]) {
      const cache = { dir: tempDir("cache"), inputsKey: "inputs", codeKey: "code" }
      const known = new Map(sources.map(({ row }) => [row.doc_id, createHash("sha256").update(readFileSync(join(corpus, "texts", row.file))).digest("hex")]))
      const feed = async (termsCounted: ReadonlySet<string>) => {
        const terms = new Map<string, number>()
        const remember = (doc: ProcessedDocument) => Effect.sync(() => void terms.set(doc.document.doc_id, doc.measures.terms.length))
        await succeed(Effect.scoped(documentsFromRaw(corpus, sources, codebooks, compileContext(codebooks), { workers, cache, known })(remember, new Set(), termsCounted)))
        return terms
      }
      await feed(new Set()) // fills the cache
      const terms = await feed(counted)
      expect([...terms].filter(([, lists]) => lists === 0).map(([docId]) => docId)).toEqual([...counted])
      expect([...terms.values()].slice(4)).toEqual([4, 4])
    }
  })
})

describe("shards", () => {
  it("split a list into N contiguous shares that, in shard order, give the list back", () => {
    fc.assert(fc.property(fc.array(fc.integer(), { maxLength: 50 }), fc.integer({ min: 1, max: 12 }), (items, count) => {
      const shares = Array.from({ length: count }, (_, i) => shareOf(items, { index: i + 1, count }))
      expect(shares.flat()).toEqual(items)
      const sizes = shares.map((share) => share.length)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
    }))
  })

  it("are given as I/N with 1 ≤ I ≤ N", () => {
    expect(parseShard("3/8")).toEqual({ index: 3, count: 8 })
    for (const bad of ["0/3", "4/3", "3", "a/b", "1/0", "-1/2"]) expect(parseShard(bad), bad).toBeUndefined()
  })

  const partialsDir = tempDir("partials")

  it("three shards merged: the committed dataset, byte for byte", async () => {
    for (const index of [3, 1, 2]) {
      const summary = await succeed(runShard({ rawDir: seedRaw, partialsDir, shard: { index, count: 3 } }))
      expect(existsSync(summary.output)).toBe(true)
    }
    const merged = await succeed(mergeShards({ rawDir: seedRaw, partialsDir, outDir: tempDir("out") }))
    expectSameDataset(merged.output, committed)
  })

  const mergeFailure = async (dir: string) => {
    const out = tempDir("out")
    const error = (await failureOf(mergeShards({ rawDir: seedRaw, partialsDir: dir, outDir: out }))) as PipelineError
    expect(readdirSync(out)).toEqual([]) // nothing published
    return error
  }

  it("a missing shard is named, and nothing is published", async () => {
    const dir = tempDir("partials")
    await succeed(runShard({ rawDir: seedRaw, partialsDir: dir, shard: { index: 1, count: 2 } }))
    const error = await mergeFailure(dir)
    expect(error._tag).toBe("InputError")
    expect(error.problem).toContain("shard-2-of-2.partial")
  })

  it("a partial computed from other inputs is refused", async () => {
    const dir = tempDir("partials")
    const corpus = copySeedCorpus()
    editFile(join(corpus, "codebooks", "naming.yaml"), (text) => `${text}\n# edited\n`)
    await succeed(runShard({ rawDir: corpus, partialsDir: dir, shard: { index: 1, count: 1 } }))
    const error = await mergeFailure(dir)
    expect(error.problem).toContain("was computed from other inputs")
  })

  it("a shard that fails leaves nothing in the partials folder", async () => {
    const dir = tempDir("partials")
    const corpus = copySeedCorpus()
    const [first] = readdirSync(join(corpus, "texts")).sort()
    editFile(join(corpus, "texts", first!), () => "")
    const error = await failureOf(runShard({ rawDir: corpus, partialsDir: dir, shard: { index: 1, count: 1 } }))
    expect(error._tag).toBe("InputError")
    expect(readdirSync(dir)).toEqual([])
  })

  it("a damaged partial is named, with the fix", async () => {
    const dir = tempDir("partials")
    const { output } = await succeed(runShard({ rawDir: seedRaw, partialsDir: dir, shard: { index: 1, count: 1 } }))
    truncateSync(output, statSync(output).size - 1000)
    const error = await mergeFailure(dir)
    expect(error._tag === "InputError" && error.file).toContain("shard-1-of-1.partial")
    expect(error.problem).toMatch(/ends inside document/)
    expect(error.fix).toContain("Run that shard again")
  })
})
