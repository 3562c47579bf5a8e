// The dataset's figures, drawn from the committed seed tables: which figures, what they show, and
// the same bytes whatever the row order, the process, the timezone or the locale.
import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Result } from "effect"
import { type Figure, type FigureInput, renderFigures } from "../pipeline/figures.ts"
import { KEY_TERMS_PER_OUTLET, KeyTermCandidates } from "../pipeline/figures/key-terms.ts"
import { LabelDocuments, outletLabeller } from "../pipeline/figures/labels.ts"
import { decodeCsv } from "../pipeline/publish/csv.ts"
import { documents } from "../schemas/documents.ts"
import { entitySalience } from "../schemas/entity_salience.ts"
import { frameScores } from "../schemas/frame_scores.ts"
import { keyness } from "../schemas/keyness.ts"
import { namingVariants } from "../schemas/naming_variants.ts"
import { frameLexicon } from "../schemas/frame_lexicon.ts"
import type { Row, Table } from "../schemas/table.ts"
import { projectRoot } from "./support.ts"

const seedCsvDir = join(projectRoot, "dist-data/seed-trump-putin-2025/1.0.0/csv")

const seedRows = <T extends Table<any>>(table: T): Array<Row<T>> =>
  decodeCsv(table, readFileSync(join(seedCsvDir, `${table.name}.csv`), "utf8")).records.map((record, index) => {
    const decoded = table.decodeRow(record)
    if (Result.isFailure(decoded)) throw new Error(`${table.name}.csv row ${index + 2}: ${decoded.failure.message}`)
    return decoded.success
  })

const seed: FigureInput = {
  documents: seedRows(documents),
  frameScores: seedRows(frameScores),
  frameLexicon: seedRows(frameLexicon),
  keyness: seedRows(keyness),
  namingVariants: seedRows(namingVariants),
  entitySalience: seedRows(entitySalience)
}

const empty: FigureInput = { documents: [], frameScores: [], frameLexicon: [], keyness: [], namingVariants: [], entitySalience: [] }

/** A seeded Fisher–Yates shuffle (mulberry32), so a failure can be replayed. */
const shuffled = <T>(rows: ReadonlyArray<T>, seed: number): Array<T> => {
  let state = seed
  const random = () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const copy = [...rows]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
  }
  return copy
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")
const hashes = (figures: ReadonlyArray<Figure>) => Object.fromEntries(figures.map((figure) => [figure.name, sha256(figure.svg)]))
const names = (figures: ReadonlyArray<Figure>) => figures.map((figure) => figure.name)
const figure = (figures: ReadonlyArray<Figure>, name: string): Figure => {
  const found = figures.find((candidate) => candidate.name === name)
  if (found === undefined) throw new Error(`no figure ${name}`)
  return found
}
const XML_ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'", "&apos;": "'", "&amp;": "&" }
/** The text of every <text> element of an SVG, unescaped. */
const texts = (svg: string): Array<string> =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!.replace(/&(lt|gt|quot|#39|apos|amp);/g, (entity) => XML_ENTITIES[entity]!))

const seedFigures = await renderFigures(seed)

describe("the seed dataset's figures", () => {
  it("are the six figures, in a fixed order", () => {
    expect(names(seedFigures)).toEqual([
      "frame-scores-by-camp",
      "frame-scores-by-outlet",
      "key-terms-by-outlet",
      "naming-variants-by-camp",
      "naming-variants-by-outlet",
      "entity-salience-by-camp"
    ])
  })

  it("are whole SVG documents with a viewBox, a title and a one-sentence description", () => {
    for (const { name, title, description, svg } of seedFigures) {
      expect(svg.startsWith("<svg"), name).toBe(true)
      expect(svg.trimEnd().endsWith("</svg>"), name).toBe(true)
      expect(svg, name).toMatch(/viewBox="0 0 \d+ \d+"/)
      expect(texts(svg), name).toContain(title)
      expect(title.length, name).toBeGreaterThan(0)
      expect(description, name).toMatch(/^[A-Z].*\.$/)
    }
  })

  it("show frame scores per camp and per outlet, outlets by name", () => {
    const byCamp = texts(figure(seedFigures, "frame-scores-by-camp").svg)
    expect(byCamp).toEqual(expect.arrayContaining(["ru", "ua", "third-country", "Diplomacy and negotiation", "Western hegemony and proxy war", "Hits per 1,000 tokens"]))
    const byOutlet = texts(figure(seedFigures, "frame-scores-by-outlet").svg)
    expect(byOutlet).toEqual(expect.arrayContaining(["Astro AWANI", "Báo Hải Dương (English edition)", "Espreso (Espreso Global)", "Euromaidan Press"]))
    expect(byOutlet).not.toContain("euromaidan-press")
  })

  it("show each outlet's most key lemmas, without stop words or clitics", () => {
    const labels = texts(figure(seedFigures, "key-terms-by-outlet").svg)
    expect(labels).toEqual(expect.arrayContaining(["Astro AWANI", "west", "narrative", "putin", "kremlin", "p < 0.05"]))
    expect(labels).not.toContain("the")
    expect(labels).not.toContain("'s")
  })

  it("show who says Kiev and who says Kyiv, and what each calls the war", () => {
    for (const name of ["naming-variants-by-camp", "naming-variants-by-outlet"]) {
      const labels = texts(figure(seedFigures, name).svg)
      expect(labels, name).toEqual(expect.arrayContaining(["Capital of Ukraine", "Kiev", "Kyiv", "War Name", "war", "conflict"]))
    }
    const byCamp = texts(figure(seedFigures, "naming-variants-by-camp").svg)
    expect(byCamp).toEqual(expect.arrayContaining(["ru (n = 15)", "ua (n = 1)", "special military operation"]))
  })

  it("show the most salient entities of each camp by name", () => {
    const labels = texts(figure(seedFigures, "entity-salience-by-camp").svg)
    expect(labels).toEqual(expect.arrayContaining(["ru", "ua", "third-country", "Donald Trump", "Vladimir Putin", "Kyiv", "Mentions per 10,000 tokens"]))
  })
})

describe("figure determinism", () => {
  it("gives the same bytes when rendered again in the same process", async () => {
    expect(hashes(await renderFigures(seed))).toEqual(hashes(seedFigures))
  })

  it("gives the same bytes whatever the order of the input rows", async () => {
    const reordered: FigureInput = {
      documents: shuffled(seed.documents, 1),
      frameScores: shuffled(seed.frameScores, 2),
      frameLexicon: shuffled(seed.frameLexicon, 6),
      keyness: shuffled(seed.keyness, 3),
      namingVariants: shuffled(seed.namingVariants, 4),
      entitySalience: shuffled(seed.entitySalience, 5)
    }
    expect(hashes(await renderFigures(reordered))).toEqual(hashes(seedFigures))
  })

  it("draws the same key-terms figure from the keyness rows KeyTermCandidates keeps, in any order", async () => {
    for (const order of [1, 2, 3]) {
      const candidates = new KeyTermCandidates()
      for (const row of shuffled(seed.keyness, order)) candidates.add(row)
      const kept = candidates.rows()
      expect(kept.length).toBeLessThanOrEqual(KEY_TERMS_PER_OUTLET * new Set(seed.documents.map((doc) => doc.outlet_id)).size)
      const drawn = await renderFigures({ ...seed, keyness: kept })
      expect(hashes(drawn)).toEqual(hashes(seedFigures))
    }
  })

  it("labels outlets from the documents LabelDocuments keeps as from all of them, however they come", async () => {
    // each outlet also named otherwise by a later and an earlier document, and not at all by another
    const documentsSeen = seed.documents.flatMap((doc) => [
      doc,
      { ...doc, doc_id: `${doc.doc_id}-later`, outlet: `${doc.outlet} (later)` },
      { ...doc, doc_id: `0-${doc.doc_id}`, outlet: `${doc.outlet} (first)` },
      { ...doc, doc_id: `00-${doc.doc_id}`, outlet: null }
    ])
    const outlets = [...new Set(seed.documents.flatMap((doc) => (doc.outlet_id === null ? [] : [doc.outlet_id])))]
    const labelAll = outletLabeller(documentsSeen)
    expect(outlets.every((outlet) => labelAll(outlet).endsWith(" (first)"))).toBe(true)
    const allFigures = hashes(await renderFigures({ ...seed, documents: documentsSeen }))
    for (const order of [1, 2, 3]) {
      const kept = new LabelDocuments()
      for (const doc of shuffled(documentsSeen, order)) kept.see(doc)
      expect(kept.documents).toHaveLength(outlets.length)
      const labelKept = outletLabeller(kept.documents)
      expect(outlets.map(labelKept)).toEqual(outlets.map(labelAll))
      expect(hashes(await renderFigures({ ...seed, documents: kept.documents }))).toEqual(allFigures)
    }
  })

  it("gives the same bytes in a fresh process with another timezone and locale", () => {
    const script = `
      import { readFileSync } from "node:fs"
      import { createHash } from "node:crypto"
      import { renderFigures } from "./pipeline/figures.ts"
      import { decodeCsv } from "./pipeline/publish/csv.ts"
      import { documents } from "./schemas/documents.ts"
      import { entitySalience } from "./schemas/entity_salience.ts"
      import { frameScores } from "./schemas/frame_scores.ts"
      import { keyness } from "./schemas/keyness.ts"
      import { namingVariants } from "./schemas/naming_variants.ts"
      import { frameLexicon } from "./schemas/frame_lexicon.ts"
      const rows = (table) => decodeCsv(table, readFileSync(${JSON.stringify(seedCsvDir)} + "/" + table.name + ".csv", "utf8")).records
      const figures = await renderFigures({ documents: rows(documents), frameScores: rows(frameScores), frameLexicon: rows(frameLexicon), keyness: rows(keyness), namingVariants: rows(namingVariants), entitySalience: rows(entitySalience) })
      process.stdout.write(JSON.stringify(Object.fromEntries(figures.map((f) => [f.name, createHash("sha256").update(f.svg).digest("hex")]))))
    `
    const output = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "--eval", script], {
      cwd: projectRoot,
      env: { ...process.env, TZ: "Pacific/Kiritimati", LANG: "de_DE.UTF-8", LC_ALL: "de_DE.UTF-8" },
      encoding: "utf8"
    })
    expect(JSON.parse(output)).toEqual(hashes(seedFigures))
  })
})

describe("figures of sparse tables", () => {
  it("are all skipped when every table is empty", async () => {
    expect(await renderFigures(empty)).toEqual([])
  })

  it("skip only the figures whose table has no rows for them", async () => {
    const figures = await renderFigures({ ...seed, keyness: [], namingVariants: [] })
    expect(names(figures)).toEqual(["frame-scores-by-camp", "frame-scores-by-outlet", "entity-salience-by-camp"])
  })

  it("skip a figure whose rows hold nothing to draw: no positive key lemma, no naming match", async () => {
    const figures = await renderFigures({
      ...seed,
      keyness: seed.keyness.filter((row) => row.g2 <= 0),
      namingVariants: seed.namingVariants.map((row) => ({ ...row, count: 0, share: 0 }))
    })
    expect(names(figures)).not.toContain("key-terms-by-outlet")
    expect(names(figures)).not.toContain("naming-variants-by-outlet")
  })

  it("label outlets by their id when the documents table does not name them", async () => {
    const figures = await renderFigures({ ...empty, frameScores: seed.frameScores })
    expect(names(figures)).toEqual(["frame-scores-by-camp", "frame-scores-by-outlet"])
    expect(texts(figure(figures, "frame-scores-by-outlet").svg)).toContain("euromaidan-press")
  })
})
