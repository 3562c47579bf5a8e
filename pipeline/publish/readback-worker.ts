// A worker thread that reads back files of a staged version (readback-job.ts) for publish.ts, one at a
// time (readback-queue.ts), answering each job with its outcome.
import { parentPort } from "node:worker_threads"
import { type ReadbackJob, runReadbackJob } from "./readback-job.ts"

parentPort!.on("message", (job: ReadbackJob) => {
  void runReadbackJob(job).then((outcome) => parentPort!.postMessage(outcome))
})
