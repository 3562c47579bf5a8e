import { Effect, Exit } from "effect"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { frameLexiconRows } from "../pipeline/measure/index.ts"
import { InputError } from "../pipeline/errors.ts"
import { frameLexicon } from "../schemas/frame_lexicon.ts"
import { decodeFrames } from "../schemas/inputs/frames.ts"
import { decodeNaming } from "../schemas/inputs/naming.ts"
import { Schema } from "effect"

const bundledFrames = readFileSync(new URL("../raw/codebooks/frames.yaml", import.meta.url), "utf8")
const bundledNaming = readFileSync(new URL("../raw/codebooks/naming.yaml", import.meta.url), "utf8")

const failureOf = <A>(effect: Effect.Effect<A, InputError>): InputError => {
  const exit = Effect.runSyncExit(effect)
  if (Exit.isSuccess(exit)) throw new Error("expected the codebook to be rejected")
  const error = exit.cause.reasons[0]
  if (error === undefined || error._tag !== "Fail" || !(error.error instanceof InputError)) throw new Error("expected an InputError")
  return error.error
}

const frames = (body: string) => `version: 1.0.0\nframes:\n${body}`
const frame = (id: string, extra: string) =>
  `  - id: ${id}\n    label: L\n    definition: D\n    sources: [S]\n${extra}`

describe("the bundled codebooks", () => {
  it("decode, with at least eight frames covering the required themes", () => {
    const codebook = Effect.runSync(decodeFrames(bundledFrames, "codebooks/frames.yaml"))
    expect(codebook.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(codebook.frames.length).toBeGreaterThanOrEqual(8)
    expect(codebook.frames.map((f) => f.id)).toEqual(
      expect.arrayContaining([
        "diplomacy_negotiation", "military_conflict", "sovereignty_legitimacy", "security_threat",
        "economic_cost_sanctions", "history_morality", "western_hegemony", "aggression_victimhood", "humanitarian_cost"
      ])
    )
    for (const f of codebook.frames) expect(f.sources.length).toBeGreaterThan(0)
  })

  it("publish as frame_lexicon rows that validate, one per (frame, term), sorted", () => {
    const codebook = Effect.runSync(decodeFrames(bundledFrames, "codebooks/frames.yaml"))
    const rows = frameLexiconRows(codebook)
    expect(rows.length).toBe(codebook.frames.reduce((n, f) => n + f.lemmas.length + f.phrases.length, 0))
    for (const row of rows) Schema.decodeUnknownSync(frameLexicon.schema)(row)
    const keys = rows.map((r) => `${r.frame_id}\u0000${r.term}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect([...keys].sort()).toEqual(keys)
    const proxyWar = rows.filter((r) => r.term === "proxy war")
    expect(proxyWar.map((r) => r.frame_id).sort()).toEqual(["military_conflict", "western_hegemony"])
    expect(proxyWar.every((r) => r.shared)).toBe(true)
    expect(rows.find((r) => r.term === "peace talks")?.match).toBe("phrase")
  })

  it("decode the naming codebook with the concepts the issue asks for", () => {
    const codebook = Effect.runSync(decodeNaming(bundledNaming, "codebooks/naming.yaml"))
    const variants = (id: string) => codebook.concepts.find((c) => c.id === id)?.variants.map((v) => v.variant)
    expect(variants("capital_of_ukraine")).toEqual(["Kyiv", "Kiev"])
    expect(variants("war_name")).toEqual(
      expect.arrayContaining(["war", "full-scale war", "invasion", "special military operation", "conflict", "crisis", "proxy war"])
    )
    expect(variants("ukraine_government")).toEqual(expect.arrayContaining(["Kyiv government", "Ukrainian authorities", "Kiev regime"]))
  })
})

describe("an invalid framing codebook stops the run with one error naming file, entry and field", () => {
  it("bad YAML", () => {
    const error = failureOf(decodeFrames("version: 1.0.0\nframes:\n  - id: a\n   label: x\n", "frames.yaml"))
    expect(error.file).toBe("frames.yaml")
    expect(error.location).toMatch(/^line \d+, column \d+$/)
    expect(error.problem).toContain("not valid YAML")
  })

  it("a frame without terms", () => {
    const error = failureOf(decodeFrames(frames(frame("empty_frame", "")), "frames.yaml"))
    expect(error.location).toContain('frame "empty_frame"')
    expect(error.problem).toBe("the frame has no terms")
    expect(error.fix).toContain("lemmas:")
  })

  it("a term in two frames without saying so", () => {
    const yaml = frames(frame("first", "    lemmas: [war]\n") + frame("second", "    lemmas: [peace, war]\n"))
    const error = failureOf(decodeFrames(yaml, "frames.yaml"))
    expect(error.location).toContain('frame "first"')
    expect(error.location).toContain("field lemmas[0]")
    expect(error.problem).toContain('"war" is also a term of frame "second"')
    expect(error.fix).toContain("shared:")
  })

  it("accepts a term in two frames when both declare it shared, but not when only one does", () => {
    const both = frames(
      frame("first", "    lemmas: [war]\n    shared: [war]\n") + frame("second", "    lemmas: [war]\n    shared: [war]\n")
    )
    expect(Exit.isSuccess(Effect.runSyncExit(decodeFrames(both, "frames.yaml")))).toBe(true)
    const one = frames(frame("first", "    lemmas: [war]\n    shared: [war]\n") + frame("second", "    lemmas: [war]\n"))
    expect(failureOf(decodeFrames(one, "frames.yaml")).location).toContain('frame "second"')
  })

  it("a missing field", () => {
    const error = failureOf(decodeFrames("version: 1.0.0\nframes:\n  - id: a\n    label: L\n    sources: [S]\n    lemmas: [x]\n", "frames.yaml"))
    expect(error.location).toContain('frame "a"')
    expect(error.problem).toBe('the required field "definition" is missing')
  })

  it("a misspelt field", () => {
    const error = failureOf(decodeFrames(frames(frame("a", "    lemma: [x]\n")), "frames.yaml"))
    expect(error.location).toContain("field lemma")
    expect(error.problem).toContain('"lemma" is not a field')
    expect(error.fix).toContain("spelling")
  })

  it("a field of the wrong type, with its line", () => {
    const error = failureOf(decodeFrames(frames(frame("a", "    lemmas: [x, 1945]\n")), "frames.yaml"))
    expect(error.location).toBe('line 7, frame "a" (frames[0]), field lemmas[1]')
    expect(error.problem).toBe("expected text, found number 1945")
  })

  it("a bad id, a bad version, a duplicate id, a duplicate term, a phrase under lemmas", () => {
    expect(failureOf(decodeFrames(frames(frame("Bad Id", "    lemmas: [x]\n")), "f.yaml")).problem).toContain("lower-case letters")
    expect(failureOf(decodeFrames("version: 1.0\nframes: []\n", "f.yaml")).location).toContain("field version")
    const twice = frames(frame("a", "    lemmas: [x]\n") + frame("a", "    lemmas: [y]\n"))
    expect(failureOf(decodeFrames(twice, "f.yaml")).problem).toContain('the id "a" is used by an earlier frame')
    expect(failureOf(decodeFrames(frames(frame("a", "    lemmas: [x]\n    phrases: [x y, X  Y]\n")), "f.yaml")).problem).toBe('"x y" is listed twice in this frame')
    expect(failureOf(decodeFrames(frames(frame("a", "    lemmas: [peace talks]\n")), "f.yaml")).fix).toContain("phrases:")
    expect(failureOf(decodeFrames(frames(frame("a", "    phrases: [peace]\n")), "f.yaml")).fix).toContain("lemmas:")
    expect(failureOf(decodeFrames(frames(frame("a", "    lemmas: [war]\n    exclusions: [cold]\n")), "f.yaml")).location).toContain("exclusions[0]")
  })

  it("an empty file", () => {
    expect(failureOf(decodeFrames("", "f.yaml")).problem).toContain("expected a mapping")
  })
})

describe("an invalid naming codebook stops the run with one error naming file, entry and field", () => {
  const naming = (variants: string) => `version: 1.0.0\nconcepts:\n  - id: capital\n    label: Capital\n    variants:\n${variants}`

  it("a concept with one variant", () => {
    const error = failureOf(decodeNaming(naming("      - variant: Kyiv\n        forms: [kyiv]\n"), "naming.yaml"))
    expect(error.location).toContain('concept "capital"')
    expect(error.problem).toContain("1 variant")
  })

  it("a variant without forms", () => {
    const error = failureOf(decodeNaming(naming("      - variant: Kyiv\n        forms: [kyiv]\n      - variant: Kiev\n"), "naming.yaml"))
    expect(error.location).toContain("field variants[1]")
    expect(error.problem).toBe('the variant "Kiev" has no forms')
  })

  it("a form under two variants of one concept", () => {
    const error = failureOf(
      decodeNaming(naming("      - variant: Kyiv\n        forms: [kyiv]\n      - variant: Kiev\n        forms: [kiev, Kyiv]\n"), "naming.yaml")
    )
    expect(error.location).toContain("variants[1].forms[1]")
    expect(error.problem).toContain('also listed for the variant "Kyiv"')
  })

  it("bad YAML and wrong types", () => {
    expect(failureOf(decodeNaming("concepts: [\n", "naming.yaml")).problem).toContain("not valid YAML")
    const error = failureOf(decodeNaming(naming("      - variant: Kyiv\n        forms: kyiv\n      - variant: Kiev\n        forms: [kiev]\n"), "naming.yaml"))
    expect(error.problem).toBe('expected a list, found the text "kyiv"')
  })
})

describe("codebook messages for people", () => {
  it("say what a custom check expects", () => {
    const error = failureOf(decodeFrames("version: 1.0.0\nframes: []\n", "frames.yaml"))
    expect(error.location).toBe("line 2, field frames")
    expect(error.problem).toBe("list at least one frame")
  })
})
