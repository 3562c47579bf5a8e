// The clean stage on the seed texts (what goes, what stays, what the text says about itself), its
// invariants as properties, and the boilerplate codebook's validation.
import { readFileSync } from "node:fs"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { clean, type CleanResult } from "../pipeline/clean.ts"
import type { InputError } from "../pipeline/errors.ts"
import { normaliseText } from "../pipeline/ingest.ts"
import { decodeBoilerplate, type BoilerplateCodebook } from "../schemas/inputs/boilerplate.ts"

const root = new URL("../", import.meta.url)
const codebookFile = "codebooks/boilerplate.yaml"
const bundledYaml = readFileSync(new URL("raw/codebooks/boilerplate.yaml", root), "utf8")
const codebook = Effect.runSync(decodeBoilerplate(bundledYaml, codebookFile))

const seedFiles = {
  awani: "000_25a2eff508451bc4.txt",
  haiDuong: "001_67b6710205e13c3d.txt",
  euromaidan: "002_98b4cfec1d0aa875.txt",
  espreso: "003_3d6cb29bc773b994.txt",
  unknown: "004_77b3cbc8c48437a8.txt"
} as const
/** A seed text as ingest hands it over: line endings normalised, NFC. */
const seed = (name: keyof typeof seedFiles): string => normaliseText(readFileSync(new URL(`raw/texts/${seedFiles[name]}`, root), "utf8"))

const removedByRule = (result: CleanResult) => result.removed.map((span) => [span.rule, span.text])
const paragraphs = (text: string) => text.split(/\n+/)

// ---------------------------------------------------------------- invariants

const isWhitespace = /\s/u

/** The non-whitespace characters of the raw text that no removed span covers, in order. */
const keptCharacters = (raw: string, result: CleanResult): string => {
  let kept = ""
  let cursor = 0
  for (const span of [...result.removed, { start: raw.length, end: raw.length }]) {
    kept += raw.slice(cursor, span.start)
    cursor = span.end
  }
  return kept.replace(/\s/gu, "")
}

/** The raw lines a clean text should consist of: every non-blank line outside the removed spans, trimmed. */
const keptLines = (raw: string, result: CleanResult): ReadonlyArray<string> => {
  const lines: Array<string> = []
  let start = 0
  for (const line of raw.split("\n")) {
    const contentStart = start + line.length - line.trimStart().length
    const removed = result.removed.some((span) => span.start <= contentStart && contentStart < span.end)
    if (line.trim() !== "" && !removed) lines.push(line.trim())
    start += line.length + 1
  }
  return lines
}

const expectInvariants = (raw: string, result: CleanResult): void => {
  const ruleIds = codebook.rules.map((rule) => rule.id)
  let previousEnd = 0
  for (const span of result.removed) {
    expect(span.start).toBeGreaterThanOrEqual(previousEnd)
    expect(span.end).toBeGreaterThan(span.start)
    expect(span.end).toBeLessThanOrEqual(raw.length)
    expect(raw.slice(span.start, span.end)).toBe(span.text)
    expect(isWhitespace.test(span.text.charAt(0)) || isWhitespace.test(span.text.charAt(span.text.length - 1))).toBe(false)
    expect(ruleIds).toContain(span.rule)
    previousEnd = span.end
  }
  // The clean text is the raw text minus the removed spans, up to whitespace…
  expect(result.text.replace(/\s/gu, "")).toBe(keptCharacters(raw, result))
  // …kept line for line (nothing merged, split or invented)…
  expect(result.text.split("\n").filter((line) => line.trim() !== "").map((line) => line.trim())).toEqual(keptLines(raw, result))
  // …and its whitespace is normalised.
  expect(result.text).toBe(result.text.trim())
  expect(result.text).not.toMatch(/\n\n\n/)
  expect(result.text).not.toMatch(/[^\S\n]\n/u)
}

// ---------------------------------------------------------------- the seed texts

describe("clean on the seed texts", () => {
  it("Astro AWANI (000): drops the author bio and the site disclaimer at the foot, keeps headings and the numbered list", () => {
    const raw = seed("awani")
    const result = clean(raw, codebook)
    expect(removedByRule(result)).toEqual([
      ["author-bio-sentence", "Dr Rais Hussin is the Founder of EMIR Research, a think tank focused on strategic policy recommendations based on rigorous research."],
      ["disclaimer-author-views", "** The views and opinions expressed in this article are those of the author(s) and do not necessarily reflect the position of Astro AWANI."]
    ])
    const kept = paragraphs(result.text)
    for (const heading of ["The Myth of a Divided Ukraine", "Putin’s Emphasis on Root Causes", "The Yalta Parallel: Alternative Civilizational Approach"])
      expect(kept).toContain(heading)
    expect(kept.filter((paragraph) => /^\d\. /.test(paragraph))).toHaveLength(6)
    expect(kept).toContain("6. Equality, ensuring no nation dominates another.")
    expect(result.text).toContain("the principle “divide, kill, rule, and plunder other peoples”")
    expect(result.text.startsWith("ALTHOUGH recently the spotlight fell")).toBe(true)
    expect(result.text.endsWith("an active force that shapes global events through its actions.")).toBe(true)
    expect(result.found).toEqual({ author: { value: "Rais Hussin", rule: "author-bio-sentence" } })
    // Blank-line paragraphs stay blank-line paragraphs.
    expect(result.text).not.toMatch(/[^\n]\n[^\n]/)
    expectInvariants(raw, result)
  })

  it("Bao Hai Duong (001): drops the section label, bylines, image, caption, counter and teaser block; finds title and author", () => {
    const raw = seed("haiDuong")
    const result = clean(raw, codebook)
    expect(removedByRule(result)).toEqual([
      ["section-label", "Commentaries"],
      ["byline-dated", "HUNG ANH March 19, 2025 17:40"],
      ["image-file", "trump-putin.jpg"],
      ["photo-caption", "US President Donald Trump and his Russian counterpart Vladimir Putin at a meeting in Finland. Photo: AFP/TTXVN"],
      ["byline-trailing", "HUNG ANH"],
      ["comment-counter", "(0) Comments"],
      ["latest-news", "Latest News\nNew turning point for the Russia-Ukraine conflict"]
    ])
    const kept = paragraphs(result.text)
    expect(kept[0]).toBe("New turning point for the Russia-Ukraine conflict")
    expect(kept[1]?.startsWith("The recent phone call between US President Donald Trump")).toBe(true)
    for (const heading of ["Untie the knot", "Change to create a turning point", "Trends in solving the Ukraine problem in the coming time"])
      expect(kept).toContain(heading)
    expect(kept.some((paragraph) => paragraph.startsWith("“The key condition for preventing the escalation"))).toBe(true)
    expect(result.text.endsWith("the door is open for a peaceful resolution to the conflict in Ukraine.")).toBe(true)
    expect(result.found).toEqual({
      title: { value: "New turning point for the Russia-Ukraine conflict", rule: "title" },
      author: { value: "HUNG ANH", rule: "byline-dated" }
    })
    // The paragraph around the removed image and caption is not merged with its neighbours.
    expect(result.text).toContain("opened the door to peace for Ukraine.\n\nJust two months ago")
    expect(result.text).not.toMatch(/[^\n]\n[^\n]/)
    expectInvariants(raw, result)
  })

  it("Euromaidan Press (002): drops the Related: list, keeps the quotes and the last paragraph", () => {
    const raw = seed("euromaidan")
    const result = clean(raw, codebook)
    expect(result.removed.map((span) => span.rule)).toEqual(["related-links"])
    const related = result.removed[0]!.text.split("\n")
    expect(related).toHaveLength(5)
    expect(related[0]).toBe("Related:")
    expect(related[4]).toBe("- Vital Maxar satellite imagery restores critical access to Ukraine")
    expect(result.text).toContain("“Putin was happy to throw all that away on behalf of his citizens because of higher geopolitical aims,” said Kristine Berzina")
    expect(result.text.endsWith("then bring it back to Ukraine,” Galeotti concluded.")).toBe(true)
    expect(result.found).toEqual({})
    // One paragraph per line stays one paragraph per line.
    expect(result.text).not.toContain("\n\n")
    expect(result.text.split("\n")).toHaveLength(28 - 5)
    expectInvariants(raw, result)
  })

  it("Espreso (003): drops the bio, the blog disclaimer and the stray navigation; finds title and author", () => {
    const raw = seed("espreso")
    const result = clean(raw, codebook)
    expect(removedByRule(result)).toEqual([
      ["author-bio-about", "About the author. Mykola Kniazhytskyi, journalist, People's Deputy of Ukraine."],
      ["disclaimer-editorial-staff", "The editorial staff does not always share the opinions expressed by the blog authors."],
      ["site-navigation", "- News"]
    ])
    const kept = result.text.split("\n")
    expect(kept[0]).toBe("Putin not ready to negotiate, Trump lacks tools to pressure him")
    expect(kept[1]).toBe("Phone calls between Putin and Trump, even in theory, are not capable of ending the war")
    expect(kept.some((line) => line.startsWith("\"Second, there’s the issue of redrawing spheres of influence"))).toBe(true)
    expect(result.text.endsWith("and Trump doesn’t have the tools to force his hand.")).toBe(true)
    expect(result.found).toEqual({
      title: { value: "Putin not ready to negotiate, Trump lacks tools to pressure him", rule: "title" },
      author: { value: "Mykola Kniazhytskyi", rule: "author-bio-about" }
    })
    expect(result.text).not.toContain("\n\n")
    expectInvariants(raw, result)
  })

  it("unknown outlet (004): drops the trailing Comments, keeps the '- (from May 20 …' prose lines", () => {
    const raw = seed("unknown")
    const result = clean(raw, codebook)
    expect(removedByRule(result)).toEqual([["comment-counter", "Comments"]])
    const dashed = result.text.split("\n").filter((line) => line.startsWith("- "))
    expect(dashed).toHaveLength(4)
    expect(dashed[0]?.startsWith("- (from May 20 to May 27, the Russian air defense forces shot down about 2,500 drones)")).toBe(true)
    expect(result.text.endsWith("the delegations will exchange memoranda and move on to discussions.")).toBe(true)
    expect(result.found).toEqual({})
    expect(result.text.split("\n")).toHaveLength(15 - 1)
    expectInvariants(raw, result)
  })
})

// ---------------------------------------------------------------- the rules on made-up texts

describe("rule vocabulary", () => {
  const cleaned = (...lines: ReadonlyArray<string>) => clean(lines.join("\n"), codebook)

  it("following-lines takes the link lines after Related: and stops at the first line that is not one", () => {
    const result = cleaned("First paragraph.", "Related:", "- A headline", "", "- Another headline", "Back to the article.")
    expect(removedByRule(result)).toEqual([["related-links", "Related:\n- A headline\n\n- Another headline"]])
    expect(result.text).toBe("First paragraph.\n\nBack to the article.")
  })

  it("after: a line following an image file name is a caption only when it carries a credit", () => {
    expect(removedByRule(cleaned("Intro.", "map.png", "Troops near Kupiansk. Photo: Reuters", "Body."))).toEqual([
      ["image-file", "map.png"],
      ["photo-caption", "Troops near Kupiansk. Photo: Reuters"]
    ])
    expect(cleaned("Intro.", "map.png", "The talks resumed on Monday.").text).toBe("Intro.\nThe talks resumed on Monday.")
  })

  it("position: the section label only counts as the first line, and a date-only line goes anywhere", () => {
    expect(cleaned("Opinion", "A headline", "Body text.").removed.map((span) => span.rule)).toEqual(["section-label"])
    expect(cleaned("Body text.", "Opinion", "More text.", "And more.", "The end.").removed).toEqual([])
    expect(removedByRule(cleaned("A headline", "March 19, 2025 17:40", "Body text."))).toEqual([["date-line", "March 19, 2025 17:40"]])
  })

  it("block-to-end takes the teaser heading and everything after it", () => {
    const result = cleaned("Body text.", "", "  Latest News  ", "Teaser one", "", "Teaser two.")
    expect(removedByRule(result)).toEqual([["latest-news", "Latest News  \nTeaser one\n\nTeaser two."]])
    expect(result.text).toBe("Body text.")
  })

  it("the title is only recorded when the first line reads as a headline, and never removed", () => {
    expect(cleaned("Short headline here", "Body.").found.title?.value).toBe("Short headline here")
    expect(cleaned("A full first sentence of the article.", "Body.").found).toEqual({})
    expect(cleaned("Short headline here", "Body.").text).toBe("Short headline here\nBody.")
  })
})

// ---------------------------------------------------------------- properties

describe("clean properties", () => {
  const seedLines = Object.keys(seedFiles).flatMap((name) => seed(name as keyof typeof seedFiles).split("\n"))
  const line = fc.oneof(
    fc.constantFrom(...seedLines),
    fc.constantFrom("", " ", "\t ", "Related:", "- a link", "Latest News", "x.jpg", "Photo: AFP", "HUNG ANH"),
    fc.string({ unit: "grapheme", maxLength: 40 })
  )
  const textOfLines = fc.array(line, { maxLength: 30 }).map((lines) => lines.join("\n"))
  const anyText = fc.oneof(textOfLines, fc.string({ unit: "binary", maxLength: 300 }), fc.string({ maxLength: 300 }))

  it("never crashes, keeps its spans in bounds, ordered and exact, and keeps every other character", () => {
    fc.assert(fc.property(anyText, (raw) => expectInvariants(raw, clean(raw, codebook))), { numRuns: 400 })
  })

  it("is deterministic, also with a freshly decoded codebook", () => {
    const fresh = Effect.runSync(decodeBoilerplate(bundledYaml, codebookFile))
    fc.assert(
      fc.property(anyText, (raw) => {
        expect(clean(raw, codebook)).toEqual(clean(raw, codebook))
        expect(clean(raw, fresh)).toEqual(clean(raw, codebook))
      }),
      { numRuns: 200 }
    )
  })
})

// ---------------------------------------------------------------- the codebook's validation

describe("decodeBoilerplate", () => {
  const rule = (fields: Record<string, unknown>) => ({ id: "image-file", description: "Image file names.", pattern: "\\S+\\.jpe?g", ...fields })
  const codebookYaml = (...rules: ReadonlyArray<Record<string, unknown>>) =>
    stringify({ version: "1.0.0", description: "Test codebook.", rules })
  const errorOf = (yamlText: string): InputError => Effect.runSync(Effect.flip(decodeBoilerplate(yamlText, codebookFile)))

  it("accepts the bundled codebook", () => {
    expect(codebook.version).toBe("1.0.0")
    expect(new Set(codebook.rules.map((each) => each.id)).size).toBe(codebook.rules.length)
  })

  const cases: ReadonlyArray<{ readonly name: string; readonly yaml: string; readonly location: RegExp; readonly problem: RegExp }> = [
    {
      name: "bad YAML, with its line",
      yaml: "version: 1.0.0\ndescription: x\nrules:\n  - id: a\n   pattern: [\n",
      location: /^line \d+$/,
      problem: /not valid YAML/
    },
    {
      name: "a missing field",
      yaml: codebookYaml(rule({}), { id: "caption", pattern: "x" }),
      location: /^rule caption, field description, line 7$/,
      problem: /is missing/
    },
    {
      name: "an invalid regex",
      yaml: codebookYaml(rule({}), rule({ id: "byline", pattern: "(?<author>[A-Z]+" })),
      location: /^rule byline, field pattern, line \d+$/,
      problem: /not a valid regular expression/
    },
    {
      name: "a pattern that only the anchoring group would make valid",
      yaml: codebookYaml(rule({ pattern: "a)(b" })),
      location: /^rule image-file, field pattern/,
      problem: /not a valid regular expression/
    },
    {
      name: "an invalid following pattern",
      yaml: codebookYaml(rule({ scope: "following-lines", following: "[-" })),
      location: /^rule image-file, field following/,
      problem: /not a valid regular expression/
    },
    {
      name: "a duplicate rule id",
      yaml: codebookYaml(rule({}), rule({})),
      location: /^rule image-file, field id, line \d+$/,
      problem: /repeats the id "image-file"/
    },
    {
      name: "an unknown scope",
      yaml: codebookYaml(rule({ scope: "lines" })),
      location: /^rule image-file, field scope/,
      problem: /"lines".*following-lines/
    },
    {
      name: "a misspelt field",
      yaml: codebookYaml(rule({ scoep: "line" })),
      location: /^rule image-file, field scoep/,
      problem: /not a field/
    },
    {
      name: "a rule id that is not lower-case words",
      yaml: codebookYaml(rule({ id: "Photo_Caption" })),
      location: /^rule Photo_Caption, field id/,
      problem: /"Photo_Caption".*lower-case/
    },
    {
      name: "following-lines without following",
      yaml: codebookYaml(rule({ scope: "following-lines" })),
      location: /^rule image-file, field following/,
      problem: /following-lines needs it/
    },
    {
      name: "position start without window",
      yaml: codebookYaml(rule({ position: "start" })),
      location: /^rule image-file, field window/,
      problem: /position: start needs it/
    },
    {
      name: "after naming a rule that is not above",
      yaml: codebookYaml(rule({ after: "photo-caption" })),
      location: /^rule image-file, field after/,
      problem: /"photo-caption", which is not a rule above/
    },
    {
      name: "captures without a named group",
      yaml: codebookYaml(rule({ captures: "author" })),
      location: /^rule image-file, field pattern/,
      problem: /\(\?<author>/
    },
    {
      name: "a version that is not semver",
      yaml: stringify({ version: 1, description: "x", rules: [rule({})] }),
      location: /^field version, line 1$/,
      problem: /is 1: /
    },
    {
      name: "an entry without a usable id, named by its number",
      yaml: codebookYaml(rule({}), { description: "x", pattern: "x" }),
      location: /^rule #2, field id/,
      problem: /is missing/
    },
    { name: "an empty file", yaml: "", location: /^$/, problem: /does not hold a codebook/ }
  ]

  for (const { name, yaml, location, problem } of cases) {
    it(`reports ${name}`, () => {
      const error = errorOf(yaml)
      expect(error._tag).toBe("InputError")
      expect(error.file).toBe(codebookFile)
      expect(error.location ?? "").toMatch(location)
      expect(error.problem).toMatch(problem)
      expect(error.fix.length).toBeGreaterThan(10)
      expect(error.message.startsWith(codebookFile)).toBe(true)
    })
  }
})
