import { defineConfig } from "vitest/config"
import type { Reporter, TestModule } from "vitest/node"

/** Ends the run with a plain "N passed, N failed" line that any CI log reader understands. */
class PlainTotals implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const states = testModules.flatMap((module) => [...module.children.allTests()].map((test) => test.result().state))
    const count = (state: string) => states.filter((candidate) => candidate === state).length
    process.stdout.write(`\n${count("passed")} passed, ${count("failed")} failed, ${count("skipped")} skipped\n`)
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default", new PlainTotals()]
  }
})
