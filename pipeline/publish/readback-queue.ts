// Reading a version's files back, spread over worker threads and the main thread. Files are added as
// soon as they are written (a table's CSV file while the main thread still writes the Arrow files from
// the Parquet files); each worker takes the next file as soon as it is free, and the main thread joins
// in once it has written everything. Each file's outcome is the same wherever it is read
// (readback-job.ts), and publish.ts reports problems in the files' order, not in the order they are found.
//
// A worker that fails (it could not start, or it died) reads no more: the file it had is read in the
// main thread, as are those left when the others are busy, so a broken worker slows publishing down and
// never skips a check.
import { Worker } from "node:worker_threads"
import { workerEntryHref } from "../workers/entry.ts"
import { type ReadbackJob, type ReadbackOutcome, runReadbackJob } from "./readback-job.ts"

/** Registers tsx in the worker when the pipeline runs from its TypeScript sources, then loads the entry. */
const BOOTSTRAP = new URL("../workers/bootstrap.mjs", import.meta.url)
const WORKER_ENTRY = new URL("./readback-worker.ts", import.meta.url)

/**
 * One worker thread, one file at a time. Unlike a pool's worker, it rejects the job it has, and every
 * job after, once the thread has failed or ended, so that no job waits for a thread that is gone.
 */
class ReadbackThread {
  private readonly worker: Worker
  private pending: { readonly resolve: (outcome: ReadbackOutcome) => void; readonly reject: (error: Error) => void } | undefined
  private failure: Error | undefined

  constructor(entry: URL) {
    this.worker = new Worker(BOOTSTRAP, { workerData: { entry: workerEntryHref(entry), setup: null } })
    this.worker.on("message", (outcome: ReadbackOutcome) => this.settle()?.resolve(outcome))
    this.worker.on("error", (error) => this.fail(error))
    this.worker.on("exit", (code) => this.fail(new Error(`the read-back worker ended (exit code ${code})`)))
  }

  run(job: ReadbackJob): Promise<ReadbackOutcome> {
    if (this.failure !== undefined) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject }
      this.worker.postMessage(job)
    })
  }

  async close(): Promise<void> {
    await this.worker.terminate()
  }

  private settle() {
    const pending = this.pending
    this.pending = undefined
    return pending
  }

  private fail(error: Error): void {
    this.failure ??= error
    this.settle()?.reject(error)
  }
}

interface Queued {
  readonly job: ReadbackJob
  readonly resolve: (outcome: ReadbackOutcome) => void
}

export class ReadbackQueue {
  private readonly queued: Array<Queued> = []
  /** Readers waiting for a job (or for the end). */
  private readonly idle: Array<() => void> = []
  private readonly threads: ReadonlyArray<ReadbackThread>
  private started: boolean
  /** No more files will be added. */
  private complete = false
  private closed = false

  /**
   * `workers` worker threads, each reading one file at a time. `started`: whether files are read as
   * soon as they are added, or only once `start` is called. `entry`: the workers' module (tests give
   * one that fails).
   */
  constructor(workers: number, started = true, entry: URL = WORKER_ENTRY) {
    this.started = started
    this.threads = Array.from({ length: workers }, () => new ReadbackThread(entry))
    for (const thread of this.threads) void this.readInWorker(thread)
  }

  /** The file's outcome, once a thread has read it. */
  add(job: ReadbackJob): Promise<ReadbackOutcome> {
    if (this.complete) throw new Error(`${job.file} was added to the read-back after its last file`)
    return new Promise((resolve) => {
      this.queued.push({ job, resolve })
      this.wake()
    })
  }

  /** Lets the reading begin (for a queue made not started). */
  start(): void {
    this.started = true
    this.wake()
  }

  /** No file is added after this one: once it and those before are read, every thread is done. */
  addLast(job: ReadbackJob): Promise<ReadbackOutcome> {
    const outcome = this.add(job)
    this.complete = true
    this.wake()
    return outcome
  }

  /** Reads files in the main thread until none is left (those that workers read may still be under way). */
  async readInMainThread(): Promise<void> {
    for (let next = await this.next(); next !== undefined; next = await this.next()) {
      next.resolve(await runReadbackJob(next.job))
    }
  }

  /** Ends the worker threads (whatever they are doing: after a failure, or when every file is read). */
  async close(): Promise<void> {
    this.complete = true
    this.closed = true
    this.wake()
    await Promise.all(this.threads.map((thread) => thread.close()))
  }

  private async readInWorker(thread: ReadbackThread): Promise<void> {
    for (let next = await this.next(); next !== undefined; next = await this.next()) {
      const outcome = await thread.run(next.job).catch(() => undefined)
      if (outcome === undefined) {
        if (!this.closed) next.resolve(await runReadbackJob(next.job))
        return // the worker is gone: the main thread reads what is left
      }
      next.resolve(outcome)
    }
  }

  /** The next file to read, when there is one and reading has started; undefined once there are no more. */
  private async next(): Promise<Queued | undefined> {
    for (;;) {
      if (this.closed) return undefined
      if (this.started && this.queued.length > 0) return this.queued.shift()
      if (this.complete && this.queued.length === 0) return undefined
      await new Promise<void>((resolve) => this.idle.push(resolve))
    }
  }

  private wake(): void {
    for (const resolve of this.idle.splice(0)) resolve()
  }
}
