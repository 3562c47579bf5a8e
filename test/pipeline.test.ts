// End to end: the seed corpus builds into exactly the committed dataset; versions are never overwritten;
// bad input publishes nothing.
import { createHash } from "node:crypto"
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { runPipeline, type PipelineSummary } from "../pipeline/pipeline.ts"
import type { PipelineError } from "../pipeline/errors.ts"
import { copySeedCorpus, editFile, failureOf, projectRoot, seedRaw, succeed, tempDir } from "./support.ts"
import { readManifest } from "../pipeline/ingest.ts"

const listFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort()

describe("the seed dataset", () => {
  let out: string
  let summary: PipelineSummary
  let committed: string

  beforeAll(async () => {
    out = tempDir("out")
    summary = await succeed(runPipeline({ rawDir: seedRaw, outDir: out }))
    const manifest = await succeed(readManifest(seedRaw))
    committed = join(projectRoot, "dist-data", manifest.dataset.name, manifest.dataset.version)
  })

  it("rebuilds byte for byte into the dataset committed under dist-data/", () => {
    expect(summary.status).toBe("published")
    const built = summary.output
    expect(listFiles(built)).toEqual(listFiles(committed))
    for (const file of listFiles(committed)) {
      expect(readFileSync(join(built, file)).equals(readFileSync(join(committed, file))), file).toBe(true)
    }
  })

  it("summarises the run", () => {
    expect(summary.documents).toBe(5)
    expect(summary.sentences).toBeGreaterThan(150)
    expect(summary.removedSpans).toBeGreaterThan(10)
  })

  it("is a no-op when the same version is published again with the same content", async () => {
    const again = await succeed(runPipeline({ rawDir: seedRaw, outDir: out }))
    expect(again.status).toBe("unchanged")
  })

  it("refuses to overwrite a published version with different content, and leaves it intact", async () => {
    const corpus = copySeedCorpus()
    editFile(join(corpus, "texts", "003_3d6cb29bc773b994.txt"), (text) => text.replace("Of course", "Naturally"))
    const fingerprint = () => listFiles(summary.output).map((file) => `${file} ${createHash("sha256").update(readFileSync(join(summary.output, file))).digest("hex")}`)
    const before = fingerprint()
    const error = (await failureOf(runPipeline({ rawDir: corpus, outDir: out }))) as PipelineError
    expect(error._tag).toBe("PublishError")
    expect(error.message).toMatch(/already published with different content/)
    expect(error.message).toMatch(/bump `version`/)
    expect(fingerprint()).toEqual(before)
    const bumped = await succeed(runPipeline({ rawDir: corpus, outDir: out, version: "1.0.1" }))
    expect(bumped.status).toBe("published")
    expect(bumped.output.endsWith(join("1.0.1"))).toBe(true)
  })

  it("leaves no staging folder behind", () => {
    const datasetDir = join(summary.output, "..")
    expect(readdirSync(datasetDir).filter((name) => name.startsWith("."))).toEqual([])
  })
})

describe("bad input publishes nothing", () => {
  const cases: Array<[string, (dir: string) => void, RegExp]> = [
    ["invalid UTF-8 in a text", (dir) => writeFileSync(join(dir, "texts", "001_67b6710205e13c3d.txt"), Buffer.from([0x41, 0xff, 0x42])), /UTF-8/],
    ["a duplicate doc_id", (dir) => editFile(join(dir, "sources.csv"), (text) => text.replace("haiduong-2025-03-19,", "awani-2025-02-hussin,")), /doc_id/],
    ["an impossible date", (dir) => editFile(join(dir, "sources.csv"), (text) => text.replace("2025-03-19,https", "2025-13-01,https")), /published/]
  ]
  for (const [name, breakCorpus, mentions] of cases) {
    it(name, async () => {
      const corpus = copySeedCorpus()
      breakCorpus(corpus)
      const out = tempDir("out")
      const error = (await failureOf(runPipeline({ rawDir: corpus, outDir: out }))) as PipelineError
      expect(error._tag).toBe("InputError")
      expect(error.message).toMatch(mentions)
      expect(existsSync(out) ? listFiles(out) : []).toEqual([])
    })
  }
})
