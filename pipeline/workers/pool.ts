// A fixed pool of worker threads answering requests in any order; callers get each answer as a promise.
// Order is the caller's business (an ordered Stream.mapEffect keeps the input order).
import { Worker } from "node:worker_threads"
import { workerEntryHref } from "./entry.ts"

export interface WorkerPool<Input, Output> {
  readonly run: (input: Input) => Promise<Output>
  readonly close: () => Promise<void>
}

/** A pool started before its setup is known, so that its workers load their code meanwhile. */
export interface StartedPool<Input, Output> {
  /** The workers started. */
  readonly size: number
  /**
   * Gives `use` workers their setup (see serveWithSetup), starting more if `use` is more than were
   * started, stopping the others if less; the pool then runs requests on those.
   */
  readonly configure: (setup: unknown, use: number) => WorkerPool<Input, Output>
  readonly close: () => Promise<void>
}

type Reply<Output> = { readonly id: number; readonly output: Output } | { readonly id: number; readonly error: string }

interface Pending<Output> {
  readonly resolve: (output: Output) => void
  readonly reject: (error: Error) => void
}

const bootstrap = new URL("./bootstrap.mjs", import.meta.url)

const spawn = <Output>(entry: URL, size: number, setup: unknown, pending: Map<number, Pending<Output>>): Array<Worker> =>
  Array.from({ length: size }, () => {
    // execArgv: none of the parent's --import hooks (a profiler's, a benchmark's): bootstrap.mjs loads
    // what the worker needs itself.
    const worker = new Worker(bootstrap, { workerData: { entry: workerEntryHref(entry), setup }, execArgv: [] })
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

const poolOf = <Input, Output>(workers: ReadonlyArray<Worker>, pending: Map<number, Pending<Output>>): WorkerPool<Input, Output> => {
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

export const createWorkerPool = <Input, Output>(options: {
  /** The worker module: it reads `workerData.setup` and answers `{ id, input }` messages (see serveRequests). */
  readonly entry: URL
  readonly size: number
  readonly setup: unknown
}): WorkerPool<Input, Output> => {
  const pending = new Map<number, Pending<Output>>()
  return poolOf(spawn(options.entry, options.size, options.setup, pending), pending)
}

/** Starts `size` workers of `entry` (a module answering with serveWithSetup), to be configured later. */
export const startWorkerPool = <Input, Output>(entry: URL, size: number): StartedPool<Input, Output> => {
  const pending = new Map<number, Pending<Output>>()
  const workers = spawn(entry, size, null, pending)
  return {
    size,
    configure: (setup, use) => {
      const wanted = Math.max(1, use)
      if (wanted > workers.length) workers.push(...spawn<Output>(entry, wanted - workers.length, null, pending))
      for (const worker of workers.slice(wanted)) void worker.terminate()
      const used = workers.slice(0, wanted)
      for (const worker of used) worker.postMessage({ setup })
      return poolOf(used, pending)
    },
    close: async () => {
      await Promise.all(workers.map((worker) => worker.terminate()))
    }
  }
}
