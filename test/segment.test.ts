import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Exit } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type GoldArticle, loadGold, scoreSentences, sentenceBoundaries } from "../pipeline/eval/sentences.ts"
import { analyse } from "../pipeline/nlp.ts"
import { segment, type Segmentation } from "../pipeline/segment.ts"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
// The GUM news gold is read where it lives, never copied into the project (its licence is not ours).
const gumDir = resolve(root, "../shared/eval/gum-news")

const segmentText = (text: string): Segmentation => segment(text, analyse(text))
const sentencesOf = (text: string): Array<string> => segmentText(text).sentences.map(({ start, end }) => text.slice(start, end))

const seedText = (prefix: string): string => {
  const dir = join(root, "raw/texts")
  const file = readdirSync(dir).find((name) => name.startsWith(prefix))
  if (file === undefined) throw new Error(`no seed text ${prefix}* in ${dir}`)
  return readFileSync(join(dir, file), "utf8")
}

describe("sentence boundaries on the GUM news gold", () => {
  it("reaches boundary F1 >= 0.98", () => {
    const gold = Effect.runSync(loadGold(gumDir))
    const score = scoreSentences(gold, (text) => segmentText(text).sentences)
    expect(gold).toHaveLength(24)
    expect(score.goldCount).toBe(765)
    expect(score.f1).toBeGreaterThanOrEqual(0.98)
  })
})

describe("sentences: what must not be split", () => {
  it.each([
    "He met Mr. Trump and Dr Smith in Washington, D.C. on Monday.",
    "The visa ban drew notice from critics of U.S. President Donald Trump.",
    "Designs can be sent to www.flag.govt.nz or Gawker.com before May.",
    "The call lasted nearly 2.5 hours.",
    "The church was founded by science fiction writer L. Ron Hubbard in 1954.",
    "The shuttle goes to the Steven F. Udvar-Hazy Center.",
    "“Common interests were expressed,” the Kremlin said in a statement.",
    "“Why now?” he asked."
  ])("%s", (text) => {
    expect(sentencesOf(text)).toEqual([text])
  })

  it("keeps a list item's number with its item", () => {
    const text = "1. An open world, free of artificial barriers between nations and peoples."
    expect(sentencesOf(text)).toEqual([text])
  })

  it("ends a sentence after an abbreviation when a sentence clearly starts", () => {
    expect(sentencesOf("The team was denied visas to the U.S. The President later took action.")).toEqual([
      "The team was denied visas to the U.S.",
      "The President later took action."
    ])
  })

  it("keeps a quote with its attribution and a closing quote with its sentence", () => {
    const text = "The call went “very well”. “Common interests were expressed,” the Kremlin said in a statement. It is part of “historic Russia.” However, historians disagree."
    expect(sentencesOf(text)).toEqual([
      "The call went “very well”.",
      "“Common interests were expressed,” the Kremlin said in a statement.",
      "It is part of “historic Russia.”",
      "However, historians disagree."
    ])
  })

  it("sets a caption's picture credit apart", () => {
    expect(sentencesOf("Trump and Putin at a meeting in Finland. Photo: AFP/TTXVN")).toEqual([
      "Trump and Putin at a meeting in Finland.",
      "Photo: AFP/TTXVN"
    ])
  })
})

describe("paragraphs and headings", () => {
  it("joins soft-wrapped lines when blank lines separate paragraphs", () => {
    const text = "A first paragraph that\nwraps here. It goes on.\n\nA second one."
    const { paragraphs, sentences } = segmentText(text)
    expect(paragraphs.map(({ start, end }) => text.slice(start, end))).toEqual([
      "A first paragraph that\nwraps here. It goes on.",
      "A second one."
    ])
    expect(sentences.map(({ paragraph }) => paragraph)).toEqual([0, 0, 1])
  })

  it("takes each line as a paragraph when no blank line separates blocks", () => {
    const text = "One paragraph. Two sentences.\nAnother paragraph.\n“A quoted one,” he said."
    expect(segmentText(text).paragraphs).toHaveLength(3)
  })

  it("sets list items and headings apart inside a block", () => {
    const text = "Related:\n- One item\n- Another item (video)\n\nUntie the knot\nThe text starts here.\n\nLast."
    const { paragraphs, sentences } = segmentText(text)
    expect(paragraphs.map(({ start, end }) => text.slice(start, end))).toEqual([
      "Related:", "- One item", "- Another item (video)", "Untie the knot", "The text starts here.", "Last."
    ])
    expect(sentences.map(({ isHeading }) => isHeading)).toEqual([false, false, false, true, false, false])
  })

  it("marks a title and a dateline as headings, each its own sentence", () => {
    const text = "Afghan team honored at robotics competition\n\nFriday, July 21, 2017\n\nA group of teenagers won a medal."
    expect(segmentText(text).sentences.map(({ isHeading }) => isHeading)).toEqual([true, true, false])
  })
})

describe("seed texts", () => {
  it("gives one sentence per numbered item and finds the headings (000)", () => {
    const text = seedText("000_")
    const { sentences } = segmentText(text)
    const items = text.split("\n").filter((line) => /^\d\. /.test(line))
    const found = sentences.map(({ start, end }) => text.slice(start, end))
    expect(items).toHaveLength(6)
    for (const item of items) expect(found).toContain(item)
    const headings = sentences.filter(({ isHeading }) => isHeading).map(({ start, end }) => text.slice(start, end))
    expect(headings).toEqual(["The Myth of a Divided Ukraine", "Putin’s Emphasis on Root Causes", "The Yalta Parallel: Alternative Civilizational Approach"])
    expect(found).toContain("Dr Rais Hussin is the Founder of EMIR Research, a think tank focused on strategic policy recommendations based on rigorous research.")
    expect(found.filter((sentence) => sentence.endsWith("U.S."))).toEqual([])
  })

  it("splits a quote from the sentence before it and keeps Mr. Trump whole (001)", () => {
    const found = sentencesOf(seedText("001_"))
    expect(found).toContain("According to the Kremlin, the phone call between the two Russian and US leaders lasted nearly 2.5 hours and went “very well”.")
    expect(found.some((sentence) => sentence.startsWith("“Common interests were expressed"))).toBe(true)
    expect(found).toContain("However, Mr. Trump sees negotiations as a process of mutual compromise.")
    expect(found.filter((sentence) => sentence.endsWith("Mr."))).toEqual([])
  })

  it("takes each line as a paragraph in one-paragraph-per-line texts (002, 003, 004)", () => {
    for (const prefix of ["002_", "003_", "004_"]) {
      const text = seedText(prefix)
      const lines = text.split("\n").filter((line) => line.trim() !== "")
      expect(segmentText(text).paragraphs).toHaveLength(lines.length)
    }
  })

  it("keeps each '- ' list line one sentence that is not a heading (002)", () => {
    const text = seedText("002_")
    const listSentences = segmentText(text).sentences.filter(({ start }) => text.startsWith("- ", start))
    expect(listSentences).toHaveLength(4)
    for (const sentence of listSentences) {
      expect(sentence.isHeading).toBe(false)
      expect(text[sentence.end] ?? "\n", "the sentence runs to the end of its line").toBe("\n")
    }
  })
})

const checkInvariants = (text: string, { paragraphs, sentences }: Segmentation): void => {
  const isSpace = (char: string | undefined) => char !== undefined && /\s/.test(char)
  const expectOrderedTrimmed = (spans: ReadonlyArray<{ start: number; end: number }>) =>
    spans.forEach(({ start, end }, i) => {
      expect(start).toBeLessThan(end)
      expect(start).toBeGreaterThanOrEqual(spans[i - 1]?.end ?? 0)
      expect(end).toBeLessThanOrEqual(text.length)
      expect(isSpace(text[start]) || isSpace(text[end - 1])).toBe(false)
    })
  expectOrderedTrimmed(paragraphs)
  expectOrderedTrimmed(sentences)
  for (const sentence of sentences) {
    const paragraph = paragraphs[sentence.paragraph]
    expect(paragraph).toBeDefined()
    expect(sentence.start).toBeGreaterThanOrEqual(paragraph?.start ?? Infinity)
    expect(sentence.end).toBeLessThanOrEqual(paragraph?.end ?? -Infinity)
  }
  const covered = new Array<boolean>(text.length).fill(false)
  for (const { start, end } of sentences) covered.fill(true, start, end)
  for (let i = 0; i < text.length; i++) if (!isSpace(text[i])) expect(covered[i], `character ${i} outside every sentence`).toBe(true)
}

// Pieces that exercise the rules (abbreviations, quotes, list markers, headings, line breaks).
const trickyPiece = fc.constantFrom(
  "U.S.", "Mr.", "Dr", "D.C.", "L.", "www.flag.govt.nz", "2.5", "1. ", "- ", "(a) ", "Photo: ", "“", "”", "\"", "’",
  ". ", "? ", "! ", "…", ":", ",", " ", "  ", "\n", "\n\n", "\r\n", "\t", "\u00a0", "\u2028",
  "The", "he", "said", "Putin", "Kyiv", "peace", "talks", "\ud83d\ude00", "\ud800", "é"
)
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 200 }),
  fc.array(trickyPiece, { maxLength: 80 }).map((pieces) => pieces.join(""))
)

describe("invariants", () => {
  it("gives no paragraphs and no sentences for empty or blank text", () => {
    for (const text of ["", "   ", "\n\n \t\n"]) expect(segmentText(text)).toEqual({ paragraphs: [], sentences: [] })
  })

  it("holds on the seed and GUM texts", () => {
    const gold: ReadonlyArray<GoldArticle> = Effect.runSync(loadGold(gumDir))
    const texts = [...["000_", "001_", "002_", "003_", "004_"].map(seedText), ...gold.map(({ text }) => text)]
    for (const text of texts) checkInvariants(text, segmentText(text))
  })

  it("holds on arbitrary text: ordered, trimmed, nested, covering, deterministic", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const segmentation = segmentText(text)
        checkInvariants(text, segmentation)
        expect(segmentText(text)).toEqual(segmentation)
      }),
      { numRuns: 300 }
    )
  })

  it("does not crash when the analysis does not match the text", () => {
    fc.assert(
      fc.property(anyText, anyText, (text, other) => {
        checkInvariants(text, segment(text, analyse(other)))
      }),
      { numRuns: 100 }
    )
  })
})

describe("gold loading and boundary scoring", () => {
  const withGoldDir = <A>(files: Record<string, string>, use: (dir: string) => A): A => {
    const dir = mkdtempSync(join(tmpdir(), "gold-"))
    try {
      for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
      return use(dir)
    } finally {
      rmSync(dir, { recursive: true })
    }
  }
  const article = (sentences: Array<[number, number]>) => JSON.stringify({ id: "a", file: "a.txt", meta: {}, sentences, entities: [] })

  it("scores trimmed sentence ends, micro-averaged over articles", () => {
    const text = "One two. Three four. Five."
    const gold: Array<GoldArticle> = [
      { id: "a", file: "a.txt", meta: {}, text, entities: [], sentences: [{ start: 0, end: 8 }, { start: 9, end: 20 }, { start: 21, end: 26 }] }
    ]
    expect(sentenceBoundaries(text, [{ start: 0, end: 9 }, { start: 9, end: 9 }])).toEqual(new Set([8]))
    const score = scoreSentences(gold, () => [{ start: 0, end: 9 }, { start: 9, end: 26 }])
    expect(score).toMatchObject({ goldCount: 3, predictedCount: 2, matchedCount: 2, precision: 1 })
    expect(score.recall).toBeCloseTo(2 / 3)
    expect(score.f1).toBeCloseTo(0.8)
  })

  it("names the file and line of a malformed gold line", () => {
    const exit = withGoldDir({ "a.txt": "Hello.", "gold.jsonl": `${article([[0, 6]])}\n{"id": "b"}\n` }, (dir) => Effect.runSyncExit(loadGold(dir)))
    expect(Exit.isFailure(exit)).toBe(true)
    const message = Exit.isFailure(exit) ? String(exit.cause) : ""
    expect(message).toContain("gold.jsonl (line 2)")
  })

  it("rejects offsets past the end of the article text", () => {
    const exit = withGoldDir({ "a.txt": "Hello.", "gold.jsonl": article([[0, 60]]) }, (dir) => Effect.runSyncExit(loadGold(dir)))
    expect(Exit.isFailure(exit) ? String(exit.cause) : "").toContain("line 1, sentence 0")
  })
})
