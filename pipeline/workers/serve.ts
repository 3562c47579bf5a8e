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
