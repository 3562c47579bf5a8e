// The worker side of a pool: answers each `{ id, input }` with `{ id, output }` or `{ id, error }`.
import { parentPort, workerData } from "node:worker_threads"

export const setupData = <Setup>(): Setup => (workerData as { setup: Setup }).setup

export const serveRequests = <Input, Output>(handle: (input: Input) => Output): void => {
  parentPort!.on("message", ({ id, input }: { id: number; input: Input }) => {
    try {
      parentPort!.postMessage({ id, output: handle(input) })
    } catch (error) {
      parentPort!.postMessage({ id, error: error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error) })
    }
  })
}

/**
 * The worker side of a started pool (startWorkerPool): the first message gives the setup, from which
 * `prepare` makes the handler of every request after it.
 */
export const serveWithSetup = <Setup, Input, Output>(prepare: (setup: Setup) => (input: Input) => Output): void => {
  let handle: ((input: Input) => Output) | undefined
  parentPort!.on("message", (message: { setup: Setup } | { id: number; input: Input }) => {
    if ("setup" in message) {
      handle = prepare(message.setup)
      return
    }
    try {
      if (handle === undefined) throw new Error("a request came before the setup")
      parentPort!.postMessage({ id: message.id, output: handle(message.input) })
    } catch (error) {
      parentPort!.postMessage({ id: message.id, error: error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error) })
    }
  })
}
