// A seeded synthetic corpus for the benchmark: N news documents recombined from the seed texts'
// paragraphs, spread over a registry of 12 synthetic outlets in three camps. Document i depends only on
// (seed, i), so a corpus of N documents is the first N of any larger one, and addDocument appends
// exactly the document a corpus of N + 1 would have.
import { mkdirSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { parse as parseCsv } from "csv-parse/sync"
import { stringify as stringifyCsv } from "csv-stringify/sync"
import { stringify as stringifyYaml } from "yaml"
import { uniformInt } from "pure-rand/distribution/uniformInt"
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus"
import type { OutletRow } from "../schemas/inputs/outlets.ts"
import { outletColumns } from "../schemas/inputs/outlets.ts"
import type { SourceRow } from "../schemas/inputs/sources.ts"
import { sourceColumns } from "../schemas/inputs/sources.ts"

const seedTextsDir = fileURLToPath(new URL("../raw/texts/", import.meta.url))
const bundledFramesPath = fileURLToPath(new URL("../raw/codebooks/frames.yaml", import.meta.url))

// ---------------------------------------------------------------- randomness

/** One PRNG stream per document, seeded by a 32-bit mix of the corpus seed and the document's index. */
const randomFor = (seed: number, index: number) => {
  let hash = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)
  hash = Math.imul(hash ^ (hash >>> 16), 0x27d4eb2f)
  const rng = xoroshiro128plus(hash ^ (hash >>> 15))
  const int = (min: number, max: number) => uniformInt(rng, min, max)
  return {
    int,
    chance: (probability: number) => int(0, 999_999) < probability * 1_000_000,
    pick: <T>(items: ReadonlyArray<T>): T => items[int(0, items.length - 1)]!,
    shuffle: <T>(items: ReadonlyArray<T>): Array<T> => {
      const copy = [...items]
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(0, i)
        ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
      }
      return copy
    }
  }
}
type Random = ReturnType<typeof randomFor>

// ---------------------------------------------------------------- the outlet registry

interface BenchOutlet extends OutletRow {
  readonly camp: string
  readonly genres: ReadonlyArray<NonNullable<SourceRow["genre"]>>
}

const outlet = (
  outlet_id: string, name: string, country: string, type: string, camp: string,
  genres: BenchOutlet["genres"], withDisclaimer: boolean
): BenchOutlet => ({
  outlet_id, name, country, type, camp, genres,
  url: `https://${outlet_id}.example`,
  cues: withDisclaimer ? disclaimerCue(name) : null,
  notes: "Synthetic outlet of the benchmark corpus; not a real publication."
})

const disclaimerCue = (outletName: string) => `do not necessarily reflect the position of ${outletName}`

export const benchOutlets: ReadonlyArray<BenchOutlet> = [
  outlet("dnipro-ledger", "Dnipro Ledger", "UA", "private online outlet", "ua", ["news", "analysis"], false),
  outlet("carpathian-review", "Carpathian Review", "UA", "journal", "ua", ["opinion", "analysis"], true),
  outlet("black-sea-monitor", "Black Sea Monitor", "UA", "independent online outlet", "ua", ["news", "blog"], true),
  outlet("vistula-eastern-desk", "Vistula Eastern Desk", "PL", "public broadcaster", "ua", ["news"], false),
  outlet("volga-courier", "Volga Courier", "RU", "state news agency", "ru", ["news", "commentary"], false),
  outlet("neva-herald", "Neva Herald", "RU", "state-affiliated newspaper", "ru", ["commentary", "opinion"], true),
  outlet("svisloch-evening", "Svisloch Evening", "BY", "state newspaper", "ru", ["news", "commentary"], false),
  outlet("peninsula-tribune", "Peninsula Tribune", "MY", "private broadcaster", "third-country", ["opinion", "news"], true),
  outlet("red-river-weekly", "Red River Weekly", "VN", "state-affiliated provincial newspaper", "third-country", ["commentary", "news"], false),
  outlet("ganges-review", "Ganges Review", "IN", "private newspaper", "third-country", ["analysis", "opinion"], true),
  outlet("lagoon-observer", "Lagoon Observer", "NG", "private newspaper", "third-country", ["news", "opinion"], false),
  outlet("paulista-journal", "Paulista Journal", "BR", "private newspaper", "third-country", ["news", "analysis"], false)
]

const camps = ["ua", "ru", "third-country"] as const

/** Every 40th document (from the 4th) has no outlet in the manifest, only a camp, and no cue in its text. */
const hasUnknownOutlet = (index: number) => index % 40 === 3

// ---------------------------------------------------------------- seed material

export interface SeedMaterial {
  /** Body paragraphs (one line, 25 words or more) of each seed text, in file order. */
  readonly paragraphsBySeed: ReadonlyArray<ReadonlyArray<string>>
  /** Short headline-like lines of the seed texts, used as titles and subheadings. */
  readonly headings: ReadonlyArray<string>
}

const wordCount = (text: string) => text.split(/\s+/).filter((word) => word.length > 0).length

const isBodyParagraph = (line: string) => wordCount(line) >= 25 && !/^[-*•]/.test(line)
const isHeading = (line: string) =>
  wordCount(line) >= 3 && wordCount(line) <= 12 && /^[A-Z“]/.test(line) && !/\d/.test(line) && !/[.!?:,;]$/.test(line)

export const loadSeedMaterial = (dir: string = seedTextsDir): SeedMaterial => {
  const lines = readdirSync(dir)
    .filter((file) => file.endsWith(".txt"))
    .sort()
    .map((file) => readFileSync(join(dir, file), "utf8").split(/\r?\n/).map((line) => line.trim()))
  return {
    paragraphsBySeed: lines.map((seedLines) => seedLines.filter(isBodyParagraph)),
    headings: lines.flat().filter(isHeading)
  }
}

// ---------------------------------------------------------------- one document

const firstNames = ["Olena", "Andriy", "Maria", "Dmitry", "Tran", "Aisha", "Rahul", "Ana", "Piotr", "Chidi", "Nurul", "Sergei", "Lucas", "Hanna"]
const lastNames = ["Marchenko", "Kovalenko", "Petrova", "Sokolov", "Nguyen", "Rahman", "Sharma", "Oliveira", "Nowak", "Okafor", "Ismail", "Volkov", "Pereira", "Bondar"]
const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
const sectionLabels = { news: "World", opinion: "Opinion", blog: "Blogs", analysis: "Analysis", commentary: "Commentaries" } as const
const photoCredits = ["AFP", "Reuters", "AP", "TASS", "Ukrinform", "Xinhua"]
const captions = ["Delegations arrive for the talks.", "The leaders meet on the sidelines of the summit.", "A damaged residential building after a night attack.", "Journalists wait outside the venue."]

/** Pairs of spellings, Ukrainian-derived first; a document uses one side throughout. */
const spellings: ReadonlyArray<readonly [string, string]> = [
  ["Kyiv", "Kiev"], ["Zelenskyy", "Zelensky"], ["Donbas", "Donbass"], ["Odesa", "Odessa"], ["Kharkiv", "Kharkov"]
]
const ukrainianSpellingShare: Record<string, number> = { ua: 0.95, "third-country": 0.6, ru: 0.1 }

const respell = (text: string, ukrainian: boolean) =>
  spellings.reduce((result, [ukrainianForm, russianForm]) => {
    const [from, to] = ukrainian ? [russianForm, ukrainianForm] : [ukrainianForm, russianForm]
    return result.replace(new RegExp(`\\b${from}\\b`, "g"), to)
  }, text)

const sentencesOf = (paragraph: string) => paragraph.split(/(?<=[.!?][”"]?)\s+(?=[“"A-Z])/)

/** Some paragraphs get their sentences reordered, some lose one, so recombined texts stay distinct. */
const vary = (paragraph: string, random: Random) => {
  let sentences = sentencesOf(paragraph)
  if (sentences.length >= 3 && random.chance(0.2)) sentences.splice(random.int(0, sentences.length - 1), 1)
  if (random.chance(0.25)) sentences = random.shuffle(sentences)
  return sentences.join(" ")
}

/** Paragraphs from two to four seed texts first, then any other, until the target length. */
const bodyParagraphs = (material: SeedMaterial, random: Random, targetWords: number) => {
  const seeds = random.shuffle(material.paragraphsBySeed.map((_, i) => i))
  const chosen = seeds.slice(0, random.int(2, 4))
  const ordered = [
    ...random.shuffle(chosen.flatMap((i) => material.paragraphsBySeed[i]!)),
    ...random.shuffle(seeds.filter((i) => !chosen.includes(i)).flatMap((i) => material.paragraphsBySeed[i]!))
  ]
  const body: Array<string> = []
  let words = 0
  for (const paragraph of ordered) {
    if (words >= targetWords) break
    const varied = vary(paragraph, random)
    body.push(varied)
    words += wordCount(varied)
  }
  return body
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")
const pad = (n: number) => String(n).padStart(2, "0")

export interface BenchDocument {
  readonly source: SourceRow
  readonly text: string
}

export const buildDocument = (material: SeedMaterial, seed: number, index: number): BenchDocument => {
  const random = randomFor(seed, index)
  const docId = `bench-${String(index).padStart(6, "0")}`
  const docOutlet = hasUnknownOutlet(index) ? null : random.pick(benchOutlets)
  const camp = docOutlet?.camp ?? camps[Math.floor(index / 40) % camps.length]!
  const genre = random.pick(docOutlet?.genres ?? ["news", "commentary"] as const)
  const date = new Date(Date.UTC(2025, 1, 1 + random.int(0, 149), random.int(6, 22), random.int(0, 59)))
  const author = `${random.pick(firstNames)} ${random.pick(lastNames)}`
  const title = random.pick(material.headings)
  const ukrainian = random.chance(ukrainianSpellingShare[camp] ?? 0.5)

  // Blocks, separated by a blank line: section label, title, byline, paragraphs, boilerplate.
  const blocks: Array<string> = []
  if (random.chance(0.5)) blocks.push(sectionLabels[genre])
  blocks.push(title, `By ${author}, ${months[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`)
  bodyParagraphs(material, random, random.int(850, 1550)).forEach((paragraph, i) => {
    if (i === 1 && random.chance(0.3)) blocks.push(`${slug(title)}.jpg\n${random.pick(captions)} Photo: ${random.pick(photoCredits)}`)
    if (i > 1 && random.chance(0.12)) blocks.push(random.pick(material.headings))
    blocks.push(respell(paragraph, ukrainian))
  })
  if (docOutlet?.cues != null && genre !== "news") {
    blocks.push(`The views and opinions expressed in this article are those of the author and ${docOutlet.cues}.`)
  }
  if (random.chance(0.4)) {
    const related = random.shuffle(material.headings).slice(0, random.int(2, 4))
    blocks.push(["Related:", ...related.map((heading) => `- ${heading}`)].join("\n"))
  }

  const published = date.toISOString().slice(0, 10)
  const source: SourceRow = {
    doc_id: docId,
    file: `${docId}.txt`,
    outlet_id: docOutlet?.outlet_id ?? null,
    camp: docOutlet === null ? camp : null,
    title: random.chance(0.5) ? title : null,
    author: random.chance(0.5) ? author : null,
    published,
    url: docOutlet === null ? null : `${docOutlet.url}/${published.replaceAll("-", "/")}/${slug(title)}-${index}`,
    genre,
    language: "en",
    notes: null
  }
  return { source, text: `${blocks.join("\n\n")}\n` }
}

// ---------------------------------------------------------------- files

const csvRows = <R>(rows: ReadonlyArray<R>, columns: ReadonlyArray<keyof R & string>, header: boolean): string =>
  stringifyCsv(rows.map((row) => columns.map((column) => row[column] ?? "")), { header, columns: [...columns] })

const datasetCard = (docs: number, seed: number) => ({
  name: `bench-${docs}`,
  version: `0.0.${docs}`,
  title: `Synthetic benchmark corpus of ${docs} documents (seed ${seed})`,
  description: "News-like documents recombined from the seed corpus's paragraphs by bench/corpus.ts, for measuring the pipeline's throughput and memory.",
  limitations: ["Synthetic: the texts are recombined seed paragraphs and the outlets are invented; the figures describe nothing real."],
  licence: {
    data: "CC-BY-4.0",
    texts: "Recombined from the seed corpus texts, which remain their publishers' copyright; for benchmarking only."
  },
  citation: { text: `bench-${docs} (synthetic benchmark corpus), discourse-pipeline.` }
})

const writeDocument = (dir: string, document: BenchDocument) =>
  writeFileSync(join(dir, "texts", document.source.file), document.text)

/** Writes texts/, sources.csv, outlets.csv and dataset.yaml for N documents into dir. */
export const generateCorpus = (dir: string, docs: number, seed: number, material: SeedMaterial = loadSeedMaterial()): void => {
  mkdirSync(join(dir, "texts"), { recursive: true })
  const sources: Array<SourceRow> = []
  for (let index = 0; index < docs; index++) {
    const document = buildDocument(material, seed, index)
    writeDocument(dir, document)
    sources.push(document.source)
  }
  writeFileSync(join(dir, "sources.csv"), csvRows(sources, sourceColumns, true))
  writeFileSync(join(dir, "outlets.csv"), csvRows(benchOutlets, outletColumns, true))
  writeFileSync(join(dir, "dataset.yaml"), stringifyYaml(datasetCard(docs, seed)))
}

/** Appends the next document (the one a corpus of N + 1 would have) and its sources.csv row; returns its doc_id. */
export const addDocument = (dir: string, seed: number, material: SeedMaterial = loadSeedMaterial()): string => {
  const existing = (parseCsv(readFileSync(join(dir, "sources.csv")), { columns: true }) as Array<unknown>).length
  const document = buildDocument(material, seed, existing)
  writeDocument(dir, document)
  appendFileSync(join(dir, "sources.csv"), csvRows([document.source], sourceColumns, false))
  return document.source.doc_id
}

/** The term editFramingCodebook adds: in the seed texts ("overtures"), in no frame of the bundled lexicon. */
export const addedFrameTerm = "overture"

/** Writes dir/codebooks/frames.yaml: the bundled lexicon with one more lemma in its first frame and a bumped version. */
export const editFramingCodebook = (dir: string): string => {
  const bundled = readFileSync(bundledFramesPath, "utf8")
  let version = ""
  const edited = bundled
    .replace(/^version: (\d+)\.(\d+)\.(\d+)$/m, (_, major: string, minor: string, patch: string) => {
      version = `${major}.${minor}.${Number(patch) + 1}`
      return `version: ${version}`
    })
    .replace(/^(\s+lemmas: \[)/m, `$1${addedFrameTerm}, `)
  if (version === "" || !edited.includes(`[${addedFrameTerm}, `)) {
    throw new Error(`cannot edit ${bundledFramesPath}: no top-level version or lemmas list found`)
  }
  mkdirSync(join(dir, "codebooks"), { recursive: true })
  writeFileSync(join(dir, "codebooks", "frames.yaml"), edited)
  return version
}
