// Worker threads start here: when the pipeline runs from TypeScript sources (through tsx), the worker
// registers tsx's loader first, which a worker does not inherit from its parent; then it loads its entry.
import { workerData } from "node:worker_threads"

if (workerData.entry.endsWith(".ts")) {
  const { register } = await import("tsx/esm/api")
  register()
}
await import(workerData.entry)
