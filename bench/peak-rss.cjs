// Preloaded into the pipeline's child process (node --require): at exit, writes the process's peak
// resident set size in bytes to $BENCH_PEAK_RSS_FILE. getrusage(RUSAGE_SELF) covers every thread of
// the process (worker threads included), but not child processes it might spawn. Plain CommonJS, not
// TypeScript: preloading a .ts module through tsx (node --import) was measured to slow the pipeline's
// cold run by some 10 s at 1,000 documents (60.5 s against 53.8 s), a cost a benchmark must not add.
const { writeFileSync } = require("node:fs")
const { isMainThread } = require("node:worker_threads")

const reportFile = process.env.BENCH_PEAK_RSS_FILE
if (isMainThread && reportFile !== undefined) {
  process.on("exit", () => writeFileSync(reportFile, String(process.resourceUsage().maxRSS * 1024)))
}
