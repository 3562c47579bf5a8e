// The document's own outlet: manifest first, else inferred from a cue in the raw text, with the evidence kept.
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import { assignOutlet } from "../pipeline/outlets.ts"
import { readManifest } from "../pipeline/ingest.ts"
import { runPipeline } from "../pipeline/pipeline.ts"
import { copySeedCorpus, editFile, seedRaw, succeed, tempDir } from "./support.ts"

const seedText = (file: string) => readFileSync(join(seedRaw, "texts", file), "utf8")

describe("outlet assignment", async () => {
  const manifest = await succeed(readManifest(seedRaw))
  const source = (docId: string) => manifest.sources.find(({ row }) => row.doc_id === docId)!.row

  it("takes the manifest's outlet, with the document's own camp overriding the outlet's", () => {
    const awani = assignOutlet(source("awani-2025-02-hussin"), seedText("000_25a2eff508451bc4.txt"), manifest.outlets)
    expect(awani).toMatchObject({ outlet_id: "astro-awani", outlet: "Astro AWANI", country: "MY", camp: "third-country", outlet_source: "manifest", outlet_evidence: null, warning: null })
    const unknown = assignOutlet(source("unknown-2025-05-istanbul"), seedText("004_77b3cbc8c48437a8.txt"), manifest.outlets)
    expect(unknown).toMatchObject({ outlet_id: null, outlet: null, country: null, camp: "ru", outlet_source: "unknown" })
  })

  it("infers a blanked outlet from its disclaimer in the raw text and keeps the cue as evidence", () => {
    const blanked = { ...source("espreso-2025-05-kniazhytskyi"), outlet_id: null }
    const inferred = assignOutlet(blanked, seedText("003_3d6cb29bc773b994.txt"), manifest.outlets)
    expect(inferred).toMatchObject({
      outlet_id: "espreso",
      country: "UA",
      camp: "ua",
      outlet_source: "inferred",
      outlet_evidence: "The editorial staff does not always share the opinions expressed by the blog authors.",
      warning: null
    })
  })

  it("keeps a manifest outlet that a cue contradicts, with a warning", () => {
    const wrong = { ...source("espreso-2025-05-kniazhytskyi"), outlet_id: "astro-awani" }
    const kept = assignOutlet(wrong, seedText("003_3d6cb29bc773b994.txt"), manifest.outlets)
    expect(kept.outlet_id).toBe("astro-awani")
    expect(kept.outlet_source).toBe("manifest")
    expect(kept.warning).toMatch(/carries cues of espreso/)
  })

  it("end to end: a blanked outlet is published as inferred, and cleaning still removes the cue", async () => {
    const corpus = copySeedCorpus()
    editFile(join(corpus, "sources.csv"), (text) => text.replace("003_3d6cb29bc773b994.txt,espreso,", "003_3d6cb29bc773b994.txt,,"))
    const summary = await succeed(runPipeline({ rawDir: corpus, outDir: tempDir("out"), version: "9.9.9" }))
    const documents = readFileSync(join(summary.output, "csv/documents.csv"), "utf8")
    const row = documents.split("\r\n").find((line) => line.startsWith("espreso-2025-05-kniazhytskyi"))!
    expect(row).toContain(",espreso,Espreso (Espreso Global),UA,ua,inferred,The editorial staff does not always share")
    const texts = readFileSync(join(summary.output, "csv/texts.csv"), "utf8")
    expect(texts).not.toContain("The editorial staff does not always share")
  })
})
