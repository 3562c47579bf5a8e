import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Effect } from "effect"
import { readDocument, readManifest } from "../pipeline/ingest.ts"
import type { InputError } from "../pipeline/errors.ts"
import { copySeedCorpus, editFile, failureOf, seedRaw, succeed, writeText } from "./support.ts"

const readCorpus = (rawDir: string) =>
  Effect.gen(function* () {
    const manifest = yield* readManifest(rawDir)
    return yield* Effect.forEach(manifest.sources, ({ line, row }) => readDocument(rawDir, row, line))
  })

const corpusWith = (change: (dir: string) => void): string => {
  const dir = copySeedCorpus()
  change(dir)
  return dir
}

const firstText = "000_25a2eff508451bc4.txt"

const expectInputError = async (dir: string, expected: Partial<Record<"file" | "location", string>> & { problem: RegExp }) => {
  const error = (await failureOf(readCorpus(dir))) as InputError
  expect(error._tag).toBe("InputError")
  if (expected.file !== undefined) expect(error.file).toBe(expected.file)
  if (expected.location !== undefined) expect(error.location).toBe(expected.location)
  expect(error.problem).toMatch(expected.problem)
  expect(error.fix.length).toBeGreaterThan(10)
  return error
}

describe("ingest: the seed corpus", () => {
  it("reads the manifest, the outlet registry and the dataset card", async () => {
    const manifest = await succeed(readManifest(seedRaw))
    expect(manifest.sources.map(({ row }) => row.doc_id)).toEqual([
      "awani-2025-02-hussin",
      "haiduong-2025-03-19",
      "euromaidan-2025-03-22-cnn",
      "espreso-2025-05-kniazhytskyi",
      "unknown-2025-05-istanbul"
    ])
    expect([...manifest.outlets.keys()]).toEqual(["astro-awani", "bao-hai-duong", "euromaidan-press", "espreso"])
    expect(manifest.dataset.version).toMatch(/^\d+\.\d+\.\d+$/)
    const unknown = manifest.sources[4]!.row
    expect(unknown.outlet_id).toBeNull()
    expect(unknown.camp).toBe("ru")
    expect(unknown.title).toBeNull()
  })

  it("keeps the SHA-256 of each raw file's bytes and the text unchanged where it is already clean UTF-8", async () => {
    const docs = await succeed(readCorpus(seedRaw))
    const bytes = readFileSync(join(seedRaw, "texts", firstText))
    expect(docs[0]!.sha256).toBe(createHash("sha256").update(bytes).digest("hex"))
    expect(docs[0]!.raw).toBe(bytes.toString("utf8").normalize("NFC"))
  })

  it("strips a BOM, normalises CRLF and CR to LF, and composes to NFC", async () => {
    const dir = corpusWith((d) => writeText(d, `texts/${firstText}`, "\uFEFFCafe\u0301 one.\r\nTwo.\rThree.\r\n"))
    const docs = await succeed(readCorpus(dir))
    expect(docs[0]!.raw).toBe("Café one.\nTwo.\nThree.\n")
  })
})

describe("ingest: bad input stops with a message naming the culprit", () => {
  it("invalid UTF-8", () =>
    expectInputError(corpusWith((d) => writeText(d, `texts/${firstText}`, Buffer.from([0x4f, 0x6b, 0x0a, 0x62, 0xe9, 0x74, 0x65]))), {
      file: `texts/${firstText}`,
      location: "line 2, byte 4",
      problem: /not valid UTF-8/
    }))

  it("a binary file", () =>
    expectInputError(corpusWith((d) => writeText(d, `texts/${firstText}`, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))), {
      file: `texts/${firstText}`,
      problem: /binary/
    }))

  it("an empty text", () =>
    expectInputError(corpusWith((d) => writeText(d, `texts/${firstText}`, " \n\n ")), { file: `texts/${firstText}`, problem: /empty/ }))

  it("a missing file", () =>
    expectInputError(corpusWith((d) => editFile(join(d, "sources.csv"), (t) => t.replace(firstText, "missing.txt"))), {
      file: "sources.csv",
      location: "line 2, column file",
      problem: /texts\/missing.txt, which does not exist/
    }))

  it("a file path reaching outside texts/", () =>
    expectInputError(corpusWith((d) => editFile(join(d, "sources.csv"), (t) => t.replace(firstText, "../outlets.csv"))), {
      file: "sources.csv",
      location: "line 2, column file",
      problem: /reaches outside texts/
    }))

  it("a duplicate doc_id", () =>
    expectInputError(corpusWith((d) => editFile(join(d, "sources.csv"), (t) => t.replace("haiduong-2025-03-19,", "awani-2025-02-hussin,"))), {
      file: "sources.csv",
      location: "line 3, column doc_id",
      problem: /already used on line 2/
    }))

  it("an outlet not in the registry", () =>
    expectInputError(corpusWith((d) => editFile(join(d, "sources.csv"), (t) => t.replace(",espreso,", ",espresso,"))), {
      file: "sources.csv",
      location: "line 5, column outlet_id",
      problem: /espresso is not in outlets.csv/
    }))

  it("an impossible date", () =>
    expectInputError(corpusWith((d) => editFile(join(d, "sources.csv"), (t) => t.replace("2025-03-19,https", "2025-02-30,https"))), {
      file: "sources.csv",
      location: "line 3, column published",
      problem: /not a real calendar date/
    }))

  it("a date in the wrong format", () =>
    expectInputError(corpusWith((d) => editFile(join(d, "sources.csv"), (t) => t.replace("2025-03-19,https", "19/03/2025,https"))), {
      location: "line 3, column published",
      problem: /ISO 8601/
    }))

  it("a missing required column", () =>
    expectInputError(corpusWith((d) => editFile(join(d, "sources.csv"), (t) => t.replace("doc_id,file,", "doc_id,path,"))), {
      file: "sources.csv",
      location: "line 1",
      problem: /lacks the required column file/
    }))

  it("a malformed CSV", () =>
    expectInputError(corpusWith((d) => editFile(join(d, "sources.csv"), (t) => t.replace("New turning point", "\"New turning point"))), {
      file: "sources.csv",
      problem: /not valid CSV/
    }))

  it("an unknown genre", () =>
    expectInputError(corpusWith((d) => editFile(join(d, "sources.csv"), (t) => t.replace(",blog,", ",vlog,"))), {
      location: "line 5, column genre",
      problem: /"vlog"/
    }))

  it("a duplicate outlet in the registry", () =>
    expectInputError(corpusWith((d) => editFile(join(d, "outlets.csv"), (t) => t.replace("espreso,Espreso", "astro-awani,Espreso"))), {
      file: "outlets.csv",
      location: "line 5, column outlet_id",
      problem: /already used on line 2/
    }))

  it("an invalid dataset.yaml", () =>
    expectInputError(corpusWith((d) => editFile(join(d, "dataset.yaml"), (t) => t.replace(/^version: .*$/m, "version: one"))), {
      file: "dataset.yaml",
      location: "field version",
      problem: /semantic version/
    }))

  it("a dataset.yaml that is not YAML", () =>
    expectInputError(corpusWith((d) => editFile(join(d, "dataset.yaml"), (t) => t.replace(/^title: /m, "title: [unclosed "))), {
      file: "dataset.yaml",
      problem: /not valid YAML/
    }))

  it("a folder without sources.csv", () =>
    expectInputError(join(seedRaw, "texts"), { problem: /does not exist/ }))
})
