// Entity mentions: the gazetteer's coverage of the seed texts, the proper-noun fallback, wink's
// built-in types, the invariants every mention list keeps, recall on the GUM news gold standard,
// and the gazetteer codebook's validation.
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { compileGazetteer, findMentions, type Mention } from "../pipeline/entities.ts"
import type { InputError } from "../pipeline/errors.ts"
import { scoreEntities } from "../pipeline/eval/entities.ts"
import { analyse } from "../pipeline/nlp.ts"
import { decodeGazetteer } from "../schemas/inputs/gazetteer.ts"

const root = new URL("../", import.meta.url)
const codebookFile = "codebooks/gazetteer.yaml"
const bundledYaml = readFileSync(new URL("raw/codebooks/gazetteer.yaml", root), "utf8")
const gazetteer = compileGazetteer(Effect.runSync(decodeGazetteer(bundledYaml, codebookFile)))
const gumDir = fileURLToPath(new URL("../shared/eval/gum-news/", root))

const mentionsOf = (text: string): ReadonlyArray<Mention> => findMentions(text, analyse(text), gazetteer)

const seedFiles = {
  awani: "000_25a2eff508451bc4.txt",
  haiDuong: "001_67b6710205e13c3d.txt",
  euromaidan: "002_98b4cfec1d0aa875.txt",
  espreso: "003_3d6cb29bc773b994.txt",
  unknown: "004_77b3cbc8c48437a8.txt"
} as const
type Seed = keyof typeof seedFiles

const seedText = (name: Seed): string => readFileSync(new URL(`raw/texts/${seedFiles[name]}`, root), "utf8")

/** Every (surface → entity_id) pair the gazetteer must find in each seed text. */
const expectedLinks: Record<Seed, ReadonlyArray<readonly [string, string]>> = {
  awani: [
    ["U.S.", "united-states"], ["President Donald Trump’s", "donald-trump"], ["Russia-Ukraine War", "russo-ukrainian-war"],
    ["the West", "the-west"], ["the collective West", "the-west"], ["Russia’s", "russia"], ["Ukraine", "ukraine"],
    ["Middle East", "middle-east"], ["United States", "united-states"], ["United States’", "united-states"],
    ["Putin’s", "vladimir-putin"], ["Korea", "korea"], ["Vietnam", "vietnam"], ["Afghanistan", "afghanistan"],
    ["NATO", "nato"], ["NATO’s", "nato"], ["Maidan", "maidan-revolution"], ["Minsk II Agreement", "minsk-ii-agreement"],
    ["Minsk Agreement", "minsk-agreements"], ["Special Military Operation", "special-military-operation"],
    ["Russian-Ukrainian Conflict", "russo-ukrainian-war"], ["Donald Trump", "donald-trump"], ["Congress’s", "us-congress"],
    ["U.S.’s", "united-states"], ["Yalta", "yalta"], ["Yalta Conference", "yalta-conference"],
    ["Soviet Union’s", "soviet-union"], ["BRICS", "brics"], ["Valdai Forum", "valdai-forum"], ["Earth", "earth"],
    ["Dr Rais Hussin", "rais-hussin"], ["EMIR Research", "emir-research"], ["Astro AWANI", "astro-awani"]
  ],
  haiDuong: [
    ["Russia-Ukraine conflict", "russo-ukrainian-war"], ["HUNG ANH", "hung-anh"], ["US", "united-states"],
    ["President Donald Trump", "donald-trump"], ["Vladimir Putin", "vladimir-putin"], ["Finland", "finland"],
    ["AFP", "afp"], ["TTXVN", "vietnam-news-agency"], ["The White House", "white-house"], ["Europe", "europe"],
    ["Kiev", "kyiv"], ["the Kremlin", "kremlin"], ["Saudi Arabia", "saudi-arabia"], ["Türkiye", "turkey"],
    ["Washington", "washington-dc"], ["Washington’s", "washington-dc"], ["Moscow", "moscow"], ["Moscow’s", "moscow"],
    ["Mr. Trump", "donald-trump"], ["President Trump’s", "donald-trump"], ["National Security Strategy", "us-national-security-strategy"],
    ["Joe Biden", "joe-biden"], ["Fyodor Lukyanov", "fyodor-lukyanov"],
    ["Russian International Affairs Council", "russian-international-affairs-council"], ["RIAC", "russian-international-affairs-council"],
    ["Brussels", "brussels"], ["Chancellor Olaf Scholz", "olaf-scholz"]
  ],
  euromaidan: [
    ["Vladimir Putin", "vladimir-putin"], ["the Kremlin", "kremlin"],
    ["CNN", "cnn"], ["KGB", "kgb"], ["Soviet Union’s", "soviet-union"], ["G8", "g8"], ["G7", "g7"],
    ["Kristine Berzina", "kristine-berzina"], ["German Marshall Fund of the US", "german-marshall-fund"],
    ["Mark Galeotti", "mark-galeotti"], ["Galeotti", "mark-galeotti"], ["Eastern Europe", "eastern-europe"],
    ["Kyiv", "kyiv"], ["EU", "european-union"], ["NATO’s", "nato"], ["Berzina", "kristine-berzina"],
    ["Zelenskyy’s", "volodymyr-zelenskyy"], ["Andrei Soldatov", "andrei-soldatov"], ["Soldatov", "andrei-soldatov"],
    ["Kyivan Rus", "kyivan-rus"], ["Patriarch Kirill", "patriarch-kirill"], ["Russian Orthodox Church", "russian-orthodox-church"],
    ["China", "china"], ["Iran", "iran"], ["Monica White", "monica-white"], ["University of Nottingham", "university-of-nottingham"],
    ["America", "united-states"], ["Engels-2", "engels-2"], ["SBU", "sbu"], ["Rosneft", "rosneft"], ["Tuapse", "tuapse"],
    ["Kaluga Oblast", "kaluga-oblast"], ["Maxar", "maxar"]
  ],
  espreso: [
    ["Putin", "vladimir-putin"], ["Trump", "donald-trump"], ["Istanbul", "istanbul"], ["Putin’s", "vladimir-putin"],
    ["Moscow’s", "moscow"], ["Europe", "europe"], ["Yalta", "yalta"], ["Yalta Conference", "yalta-conference"],
    ["USSR", "soviet-union"], ["U.S.", "united-states"], ["the Kremlin", "kremlin"], ["Washington", "washington-dc"],
    ["America’s", "united-states"], ["Earth", "earth"], ["China", "china"], ["Istanbul format", "istanbul-talks"],
    ["Mykola Kniazhytskyi", "mykola-kniazhytskyi"], ["Ukraine", "ukraine"]
  ],
  unknown: [
    ["the White House", "white-house"], ["U.S. House of Representatives", "us-house-of-representatives"],
    ["Secretary of State Marco Rubio", "marco-rubio"], ["President Biden", "joe-biden"], ["Biden’s", "joe-biden"],
    ["Kiev", "kyiv"], ["Kiev’s", "kyiv"], ["North Atlantic Alliance", "nato"], ["Crimea", "crimea"], ["Witkoff", "steve-witkoff"],
    ["Orthodox Easter", "orthodox-easter"], ["Victory Day", "victory-day"], ["UK", "united-kingdom"], ["France", "france"],
    ["Germany", "germany"], ["Ukrainian Armed Forces", "ukrainian-armed-forces"], ["Istanbul", "istanbul"],
    ["Turkish Foreign Ministry", "turkish-foreign-ministry"], ["Bankovaya street", "office-of-the-president-of-ukraine"],
    ["SVO", "special-military-operation"], ["Special Military Operation", "special-military-operation"], ["Minsk", "minsk"],
    ["Medinsky", "vladimir-medinsky"], ["Russian Foreign Ministry", "russian-foreign-ministry"],
    ["Foreign Minister Sergey Lavrov", "sergey-lavrov"], ["Minsk agreements", "minsk-agreements"], ["The Kremlin", "kremlin"],
    ["Sunzhensky district", "sudzhansky-district"], ["Kursk region", "kursk-oblast"], ["Secretary of State Rubio", "marco-rubio"],
    ["General Kellogg", "keith-kellogg"], ["Russian Aerospace Forces", "russian-aerospace-forces"],
    ["US House of Representatives", "us-house-of-representatives"], ["Russian-Ukrainian conflict", "russo-ukrainian-war"],
    ["Washington", "washington-dc"], ["Moscow", "moscow"], ["Iran", "iran"]
  ]
}

/** The only names of the seed texts left to the fallback: neither is an actor the gazetteer should hold. */
const expectedFallback: Record<Seed, ReadonlyArray<string>> = {
  awani: [],
  haiDuong: [],
  euromaidan: [],
  espreso: ["People's"], // People's Deputy of Ukraine, a title
  unknown: ["Armed Forces"] // "the Armed Forces units": whose forces, the sentence says
}

const linksOf = (mentions: ReadonlyArray<Mention>) =>
  mentions.filter((mention) => mention.method === "gazetteer").map((mention) => [mention.surface, mention.entityId] as const)

describe("entities: the gazetteer on the seed texts", () => {
  for (const seed of Object.keys(seedFiles) as Array<Seed>) {
    it(`links every named actor of ${seedFiles[seed]}`, () => {
      const mentions = mentionsOf(seedText(seed))
      const links = linksOf(mentions)
      for (const pair of expectedLinks[seed]) expect(links).toContainEqual(pair)
      expect(mentions.filter((mention) => mention.method === "fallback").map((mention) => mention.surface)).toEqual(expectedFallback[seed])
    })
  }

  it("links both spellings of the capital to one entity, Kiev in 001 and 004 and Kyiv in 002", () => {
    const surfacesOfKyiv = (seed: Seed) => new Set(mentionsOf(seedText(seed)).filter((mention) => mention.entityId === "kyiv").map((mention) => mention.surface))
    expect(surfacesOfKyiv("haiDuong")).toEqual(new Set(["Kiev"]))
    expect(surfacesOfKyiv("unknown")).toEqual(new Set(["Kiev", "Kiev’s"]))
    expect(surfacesOfKyiv("euromaidan")).toEqual(new Set(["Kyiv"]))
  })

  it("carries the canonical name, type and Wikidata id of the entity", () => {
    const kiev = mentionsOf(seedText("haiDuong")).find((mention) => mention.surface === "Kiev")
    expect(kiev).toMatchObject({ entityId: "kyiv", canonical: "Kyiv", type: "GPE", wikidata: "Q1899", method: "gazetteer" })
    const cnn = mentionsOf(seedText("euromaidan")).find((mention) => mention.surface === "CNN")
    expect(cnn).toMatchObject({ entityId: "cnn", type: "MEDIA", wikidata: null })
    const afp = mentionsOf(seedText("haiDuong")).find((mention) => mention.surface === "AFP")
    expect(afp).toMatchObject({ entityId: "afp", type: "MEDIA" })
  })

  it("keeps adjectives and demonyms out: Russian, Ukrainian, the Russians", () => {
    const surfaces = mentionsOf(seedText("euromaidan")).map((mention) => mention.surface)
    for (const adjective of ["Russian", "Ukrainian", "Russians", "Ukrainians", "Soviet", "European", "Western"]) expect(surfaces).not.toContain(adjective)
  })

  it("matches case-sensitively, with a capitalised leading 'the', and takes possessives of either apostrophe", () => {
    const mentions = mentionsOf("Let us see: the US, us and U.S. The Kremlin said Putin's and Putin’s aides went to Kyiv.")
    expect(linksOf(mentions)).toEqual([
      ["US", "united-states"], ["U.S.", "united-states"], ["The Kremlin", "kremlin"], ["Putin's", "vladimir-putin"],
      ["Putin’s", "vladimir-putin"], ["Kyiv", "kyiv"]
    ])
  })

  it("lets the longest variant win", () => {
    const links = linksOf(mentionsOf("Euromaidan Press covered the Yalta Conference, not Yalta, and the Minsk II Agreement."))
    expect(links).toEqual([["Euromaidan Press", "euromaidan-press"], ["Yalta Conference", "yalta-conference"], ["Yalta", "yalta"], ["Minsk II Agreement", "minsk-ii-agreement"]])
  })
})

describe("entities: the fallback for names the gazetteer lacks", () => {
  const text = "Yesterday the Ministry of Agriculture said that farmers in Dorchester were worried. " +
    "Dr. Helena Marsh, a researcher at the Institute of Soil Studies, told the Daily Courier that the harvest had failed. " +
    "Marsh had warned officials in May. Explosions were heard near Lake Orvel. The Velmont Agreement was signed on Remembrance Day."
  const fallback = () => mentionsOf(text).filter((mention) => mention.method === "fallback")

  it("finds the names, guesses their types and normalises them", () => {
    expect(fallback().map((mention) => [mention.surface, mention.type, mention.entityId, mention.canonical])).toEqual([
      ["Ministry of Agriculture", "ORG", "auto:ministry-of-agriculture", "Ministry of Agriculture"],
      ["Dorchester", "GPE", "auto:dorchester", "Dorchester"],
      ["Dr. Helena Marsh", "PERSON", "auto:helena-marsh", "Helena Marsh"],
      ["Institute of Soil Studies", "ORG", "auto:institute-of-soil-studies", "Institute of Soil Studies"],
      ["Daily Courier", "MEDIA", "auto:daily-courier", "Daily Courier"],
      ["Marsh", "PERSON", "auto:helena-marsh", "Helena Marsh"],
      ["Lake Orvel", "GPE", "auto:lake-orvel", "Lake Orvel"],
      ["Velmont Agreement", "EVENT", "auto:velmont-agreement", "Velmont Agreement"],
      ["Remembrance Day", "EVENT", "auto:remembrance-day", "Remembrance Day"]
    ])
    expect(fallback().every((mention) => mention.wikidata === null)).toBe(true)
  })

  it("does not take sentence-initial capitals, dates or adjectives for names", () => {
    const surfaces = mentionsOf(text).map((mention) => mention.surface)
    expect(surfaces).not.toContain("Explosions")
    expect(surfaces).not.toContain("The Velmont Agreement")
    expect(mentionsOf(text).find((mention) => mention.surface === "Yesterday")?.type).toBe("DATE")
    expect(mentionsOf("Russian officials met Ukrainian diplomats, and the Russians left.")).toEqual([])
  })

  it("tells a PERSON by title or by what they say, and drops titles alone", () => {
    const mentions = mentionsOf("The talks went on. Later President Lula said the Special Envoy had left, as analyst Tom Brekke noted.")
    expect(mentions.map((mention) => [mention.surface, mention.type, mention.canonical])).toEqual([
      ["President Lula", "PERSON", "Lula"],
      ["Tom Brekke", "PERSON", "Tom Brekke"]
    ])
  })

  it("surfaces the actors of a text nobody wrote a gazetteer for", () => {
    const mentions = mentionsOf("The Okavango Water Council met in Maun, where Chief Kgosi Tawana warned that the Botswana Daily had misreported the deal.")
    expect(mentions.map((mention) => [mention.surface, mention.type])).toEqual([
      ["Okavango Water Council", "ORG"], ["Maun", "GPE"], ["Chief Kgosi Tawana", "PERSON"], ["Botswana Daily", "MEDIA"]
    ])
  })
})

describe("entities: wink-nlp's built-in types", () => {
  it("keeps dates, numbers, money, links and handles as built-in mentions with the surface as canonical", () => {
    const text = "On March 3, 2025 at 10:30 am the fund paid $5 million, 20% more than in 2024, to 3 banks for the 2nd time in two weeks; " +
      "see https://example.org or write to info@example.org #peace @someone"
    const mentions = mentionsOf(text)
    expect(mentions.map((mention) => [mention.type, mention.surface])).toEqual([
      ["DATE", "March 3, 2025"], ["TIME", "10:30 am"], ["MONEY", "$5 million"], ["PERCENT", "20%"], ["DATE", "2024"],
      ["CARDINAL", "3"], ["ORDINAL", "2nd"], ["DURATION", "two weeks"], ["URL", "https://example.org"],
      ["EMAIL", "info@example.org"], ["HASHTAG", "#peace"], ["MENTION", "@someone"]
    ])
    expect(mentions.every((mention) => mention.method === "builtin" && mention.entityId === null && mention.canonical === mention.surface)).toBe(true)
  })

  it("gives way to a name the built-in would cut in two", () => {
    const types = mentionsOf("He fought in the Second World War and marched on Victory Day.").map((mention) => [mention.surface, mention.type])
    expect(types).toEqual([["Second World War", "EVENT"], ["Victory Day", "EVENT"]])
  })
})

// ---------------------------------------------------------------- invariants

const expectWellFormed = (text: string, mentions: ReadonlyArray<Mention>) => {
  mentions.forEach((mention, index) => {
    expect(mention.surface).toBe(text.slice(mention.start, mention.end))
    expect(mention.end).toBeGreaterThan(mention.start)
    const next = mentions[index + 1]
    if (next !== undefined) expect(next.start).toBeGreaterThanOrEqual(mention.end)
  })
}

describe("entities: every mention list is sorted, non-overlapping and true to the text", () => {
  it("holds on the seed texts", () => {
    for (const seed of Object.keys(seedFiles) as Array<Seed>) {
      const text = seedText(seed)
      expectWellFormed(text, mentionsOf(text))
    }
  })

  it("holds on any text made of names, words, numbers and punctuation", () => {
    const pieces = ["Putin", "Putin’s", "the", "The", "Kremlin", "US", "us", "U.S.", "New", "York", "Times", "of", "Ministry", "Health",
      "said", "Mr.", "Helena", "Marsh", "May", "3", "2024", "$5", "million", "20%", "Second", "World", "War", "Day", "Victory",
      ",", ".", ":", "“", "”", "'s", "-", "\n", "\n\n", "Russian", "Ukraine", "Kiev", "SVO", "in", "Lake", "Orvel"]
    const texts = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((words) => words.join(" "))
    fc.assert(fc.property(texts, (text) => expectWellFormed(text, mentionsOf(text))), { numRuns: 200 })
  })
})

describe("entities: the GUM news gold standard", () => {
  it("overlaps at least 85% of the named gold mentions", async () => {
    const score = await Effect.runPromise(scoreEntities(gumDir, gazetteer))
    expect(score.goldNamed).toBe(1222)
    expect(score.recall).toBeGreaterThanOrEqual(0.85)
    expect(score.precision).toBeGreaterThan(0.7)
  })

  it("owes that recall to the general fallback, not to the seed corpus's gazetteer", async () => {
    const withoutGazetteer = compileGazetteer({ version: "0.0.0", entities: [] })
    const score = await Effect.runPromise(scoreEntities(gumDir, withoutGazetteer))
    expect(score.predictedByMethod.gazetteer).toBe(0)
    expect(score.recall).toBeGreaterThanOrEqual(0.85)
  })
})

// ---------------------------------------------------------------- the codebook's validation

describe("entities: a bad gazetteer stops with one InputError naming the entity and the fix", () => {
  const errorOf = (yamlText: string): InputError => Effect.runSync(Effect.flip(decodeGazetteer(yamlText, codebookFile)))
  const entry = (lines: string) => `version: 1.0.0\nentities:\n  - id: kyiv\n    name: Kyiv\n    type: GPE\n    variants: [Kiev]\n${lines}`

  it("accepts the bundled gazetteer", () => {
    const decoded = Effect.runSync(decodeGazetteer(bundledYaml, codebookFile))
    expect(decoded.version).toBe("1.0.0")
    expect(new Set(decoded.entities.map((entity) => entity.id)).size).toBe(decoded.entities.length)
  })

  it("refuses a duplicate id", () => {
    const error = errorOf(entry("  - id: kyiv\n    name: Kyiv city\n    type: GPE\n"))
    expect(error).toMatchObject({ _tag: "InputError", file: codebookFile, location: "entity kyiv, field id, line 7" })
    expect(error.problem).toMatch(/repeats the id "kyiv"/)
    expect(error.fix).toMatch(/merge/)
  })

  it("refuses a variant claimed by two entities, whatever its case or apostrophe", () => {
    const error = errorOf(entry("  - id: kiev-oblast\n    name: Kyiv Oblast\n    type: GPE\n    variants: [KIEV]\n"))
    expect(error.location).toBe("entity kiev-oblast, field variants.1, line 10")
    expect(error.problem).toMatch(/"KIEV", which already names kyiv/)
  })

  it("refuses an unknown type", () => {
    const error = errorOf(entry("  - id: putin\n    name: Vladimir Putin\n    type: POLITICIAN\n"))
    expect(error.location).toBe("entity putin, field type, line 9")
    expect(error.problem).toMatch(/POLITICIAN/)
    expect(error.fix).toMatch(/PERSON, ORG, GPE, MEDIA, EVENT/)
  })

  it("refuses an entity without a canonical name", () => {
    const error = errorOf(entry("  - id: putin\n    type: PERSON\n    variants: [Putin]\n"))
    expect(error.location).toBe("entity putin, field name, line 7")
    expect(error.problem).toBe("is missing")
    expect(error.fix).toMatch(/canonical name/)
  })

  it("refuses a made-up Wikidata id and an unknown case rule, naming the variant", () => {
    expect(errorOf(entry("    wikidata: kyiv\n")).location).toBe("entity kyiv, field wikidata, line 7")
    expect(errorOf(entry("    case: loose\n")).fix).toMatch(/sensitive, insensitive/)
    const variantError = errorOf(entry("  - id: kiev-oblast\n    name: Kyiv Oblast\n    type: GPE\n    variants: [Kyiv region, { text: KO, case: exact }]\n"))
    expect(variantError.location).toBe("entity kiev-oblast, field variants.2.case, line 10")
  })

  it("refuses YAML it cannot parse, with the line", () => {
    const error = errorOf("version: 1.0.0\nentities:\n  - id: kyiv\n    name: [Kyiv\n    type: GPE\n")
    expect(error.location).toMatch(/^line \d+$/)
    expect(error.problem).toMatch(/is not valid YAML/)
  })
})
