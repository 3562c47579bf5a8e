// The quality figures every dataset's codebook shows are re-measured here: they can never go stale.
import { describe, expect, it } from "vitest"
import { measureQuality, readRecordedQuality } from "../pipeline/eval/quality.ts"
import { gumDir, succeed } from "./support.ts"

describe("recorded quality (pipeline/eval/quality.json)", () => {
  it("equals what npm run eval measures now on the GUM gold", async () => {
    const measured = await succeed(measureQuality(gumDir))
    expect(readRecordedQuality()).toEqual(measured)
  })

  it("meets the bars the issues set: sentence F1 ≥ 0.98, named-entity recall ≥ 0.85", () => {
    const recorded = readRecordedQuality()
    expect(recorded.sentences.f1).toBeGreaterThanOrEqual(0.98)
    expect(recorded.entities.recall).toBeGreaterThanOrEqual(0.85)
  })
})
