// A fixed pool of worker threads answering requests in any order; callers get each answer as a promise.
// Order is the caller's business (an ordered Stream.mapEffect keeps the input order).
import { Worker } from "node:worker_threads"

export interface WorkerPool<Input, Output> {
  readonly run: (input: Input) => Promise<Output>
  readonly close: () => Promise<void>
}

type Reply<Output> = { readonly id: number; readonly output: Output } | { readonly id: number; readonly error: string }

interface Pending<Output> {
  readonly resolve: (output: Output) => void
  readonly reject: (error: Error) => void
}

const bootstrap = new URL("./bootstrap.mjs", import.meta.url)

export const createWorkerPool = <Input, Output>(options: {
  /** The worker module: it reads `workerData.setup` and answers `{ id, input }` messages (see serveRequests). */
  readonly entry: URL
  readonly size: number
  readonly setup: unknown
}): WorkerPool<Input, Output> => {
  const pending = new Map<number, Pending<Output>>()
  const workers = Array.from({ length: options.size }, () => {
    // execArgv: none of the parent's --import hooks (a profiler's, a benchmark's): bootstrap.mjs loads
    // what the worker needs itself.
    const worker = new Worker(bootstrap, { workerData: { entry: options.entry.href, setup: options.setup }, execArgv: [] })
    worker.on("message", (reply: Reply<Output>) => {
      const waiting = pending.get(reply.id)
      pending.delete(reply.id)
      if ("error" in reply) waiting?.reject(new Error(reply.error))
      else waiting?.resolve(reply.output)
    })
    worker.on("error", (error) => {
      for (const waiting of pending.values()) waiting.reject(error)
      pending.clear()
    })
    return worker
  })
  let nextId = 0
  return {
    run: (input) =>
      new Promise<Output>((resolve, reject) => {
        const id = nextId++
        pending.set(id, { resolve, reject })
        workers[id % workers.length]!.postMessage({ id, input })
      }),
    close: async () => {
      await Promise.all(workers.map((worker) => worker.terminate()))
    }
  }
}
