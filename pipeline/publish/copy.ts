// Taking a table store's file into a version being staged (publish.ts, adopt), off the main thread:
// the kernel copies it beside its destination, then the copy is read back (its SHA-256 and size) a
// MiB at a time. Hashing a large corpus's tables took the main thread seconds it needs for writing.
import { copyFileSync } from "node:fs"
import { createWorkerPool, type WorkerPool } from "../workers/pool.ts"
import { hashFileSync, type WrittenFile } from "./sink.ts"

export interface FileCopy {
  readonly from: string
  readonly to: string
}

/** Copies `from` to `to`, then reads the copy back. */
export const copyAndReadBack = ({ from, to }: FileCopy): WrittenFile => {
  copyFileSync(from, to)
  return hashFileSync(to)
}

const copyWorker = new URL("./copy-worker.ts", import.meta.url)

/** One worker thread making the copies, in the order asked. */
export const startCopier = (): WorkerPool<FileCopy, WrittenFile> => createWorkerPool({ entry: copyWorker, size: 1, setup: null })

