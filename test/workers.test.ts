import { describe, expect, it } from "vitest"
import { analyse } from "../pipeline/nlp.ts"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { workerEntryHref } from "../pipeline/workers/entry.ts"
import { createWorkerPool, startWorkerPool } from "../pipeline/workers/pool.ts"

const texts = ["Putin met Trump in Alaska.", "Zelenskyy’s plan.", "Zelenskyy’s—", "Zelenskyy’s plan.", "Kyiv, not Kiev."]

describe("the worker pool", () => {
  it("answers every request with what the main thread computes, whichever worker reads it", async () => {
    const pool = createWorkerPool<string, Array<string>>({ entry: new URL("./fixtures/analyse-worker.ts", import.meta.url), size: 2, setup: { failOn: "" } })
    try {
      const answers = await Promise.all(texts.map((text) => pool.run(text)))
      expect(answers).toEqual(texts.map((text) => analyse(text).tokens.map((token) => token.text)))
    } finally {
      await pool.close()
    }
  })

  it("passes a worker's error to the request that caused it", async () => {
    const pool = createWorkerPool<string, Array<string>>({ entry: new URL("./fixtures/analyse-worker.ts", import.meta.url), size: 1, setup: { failOn: "boom" } })
    try {
      await expect(pool.run("boom")).rejects.toThrow(/asked to fail on "boom"/)
      expect(await pool.run("Still alive.")).toEqual(["Still", "alive", "."])
    } finally {
      await pool.close()
    }
  })

  it("started ahead, uses as many workers as it is configured with (starting more if need be), each with its setup", async () => {
    for (const [size, use] of [[3, 2], [1, 2]] as const) {
      const started = startWorkerPool<string, Array<string>>(new URL("./fixtures/analyse-setup-worker.ts", import.meta.url), size)
      try {
        const pool = started.configure({ failOn: "boom" }, use)
        const answers = await Promise.all(texts.map((text) => pool.run(text)))
        expect(answers).toEqual(texts.map((text) => analyse(text).tokens.map((token) => token.text)))
        await expect(pool.run("boom")).rejects.toThrow(/asked to fail on "boom"/)
      } finally {
        await started.close()
      }
    }
  })

  it("loads a TypeScript entry from its bundle: the project's modules in one file, packages from node_modules", () => {
    const entry = new URL("./fixtures/analyse-worker.ts", import.meta.url)
    const href = workerEntryHref(entry)
    expect(href).toMatch(/\/node_modules\/\.cache\/discourse-pipeline\/workers\/analyse-worker-[0-9a-f]{16}\.mjs$/)
    expect(workerEntryHref(entry)).toBe(href) // made once per process
    const code = readFileSync(fileURLToPath(href), "utf8")
    expect(code).toContain("asked to fail on") // the fixture's own code
    expect(code).toContain('"wink-nlp"') // a package, imported from node_modules:
    expect(code.length).toBeLessThan(200_000) // not bundled (wink-nlp's model alone is megabytes)
    expect(workerEntryHref(new URL("./workers/bootstrap.mjs", new URL("../pipeline/", import.meta.url)))).toMatch(/bootstrap\.mjs$/) // JavaScript as it is
  })
})
