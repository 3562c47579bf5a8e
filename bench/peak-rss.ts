// Preloaded into the pipeline's child process (node --import): at exit, writes the process's peak
// resident set size in bytes to $BENCH_PEAK_RSS_FILE. getrusage(RUSAGE_SELF) covers every thread of
// the process (worker threads included), but not child processes it might spawn.
import { writeFileSync } from "node:fs"
import { isMainThread } from "node:worker_threads"

const reportFile = process.env["BENCH_PEAK_RSS_FILE"]
if (isMainThread && reportFile !== undefined) {
  process.on("exit", () => writeFileSync(reportFile, String(process.resourceUsage().maxRSS * 1024)))
}
