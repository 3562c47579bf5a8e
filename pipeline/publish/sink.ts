// Where a published file's bytes go as they are produced: written through a fixed buffer, and hashed
// (SHA-256) and counted on the way, so that the manifest's checksum is of exactly the bytes written
// and no file is ever held whole in memory.
import { createHash } from "node:crypto"
import { closeSync, createReadStream, openSync, readSync, writeSync } from "node:fs"

export interface WrittenFile {
  readonly sha256: string
  /** Size in bytes. */
  readonly size: number
}

const BUFFER_BYTES = 1 << 20
const NO_BUFFER = Buffer.alloc(0)

export class FileSink {
  private fd: number | undefined
  private readonly hash = createHash("sha256")
  /** Let go of when the file is closed: a version keeps its sinks until it is published. */
  private buffer = Buffer.allocUnsafe(BUFFER_BYTES)
  private used = 0
  private size = 0

  /** Creates the file; fails if it exists (a staging folder is always new). */
  constructor(readonly path: string) {
    this.fd = openSync(path, "wx")
  }

  /** Bytes written so far (some perhaps still buffered). */
  get written(): number {
    return this.size
  }

  /**
   * Takes the bytes now: they are copied or written before this returns, so the caller may reuse
   * its buffer (the Parquet writer does).
   */
  write(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk
    if (bytes.byteLength === 0) return
    const fd = this.open()
    this.hash.update(bytes)
    this.size += bytes.byteLength
    if (this.used + bytes.byteLength <= BUFFER_BYTES) {
      this.buffer.set(bytes, this.used)
      this.used += bytes.byteLength
      return
    }
    this.flush()
    if (bytes.byteLength >= BUFFER_BYTES) writeAll(fd, bytes)
    else {
      this.buffer.set(bytes, 0)
      this.used = bytes.byteLength
    }
  }

  /** Writes what is buffered and closes the file. */
  close(): WrittenFile {
    this.flush()
    const fd = this.open()
    this.fd = undefined
    this.buffer = NO_BUFFER
    closeSync(fd)
    return { sha256: this.hash.digest("hex"), size: this.size }
  }

  /** Closes the file without finishing it (after a failure); safe to call more than once. */
  abandon(): void {
    if (this.fd === undefined) return
    const fd = this.fd
    this.fd = undefined
    this.buffer = NO_BUFFER
    try {
      closeSync(fd)
    } catch {
      // already failing: the staging folder is removed next
    }
  }

  private open(): number {
    if (this.fd === undefined) throw new Error(`${this.path} is already closed`)
    return this.fd
  }

  private flush(): void {
    if (this.used === 0) return
    writeAll(this.open(), this.buffer.subarray(0, this.used))
    this.used = 0
  }
}

const writeAll = (fd: number, bytes: Uint8Array): void => {
  let offset = 0
  while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset)
}

/** SHA-256 and size of a file on disk, read as a stream. */
export const hashFile = (path: string): Promise<WrittenFile> =>
  new Promise((resolve, reject) => {
    const hash = createHash("sha256")
    let size = 0
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on("data", (chunk) => {
        const bytes = chunk as Buffer
        hash.update(bytes)
        size += bytes.byteLength
      })
      .on("error", reject)
      .on("end", () => resolve({ sha256: hash.digest("hex"), size }))
  })

/** hashFile, blocking: for worker threads (copy.ts), where nothing else waits. */
export const hashFileSync = (path: string): WrittenFile => {
  const hash = createHash("sha256")
  const chunk = Buffer.allocUnsafe(1 << 20)
  const fd = openSync(path, "r")
  let size = 0
  try {
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      hash.update(chunk.subarray(0, read))
      size += read
    }
  } finally {
    closeSync(fd)
  }
  return { sha256: hash.digest("hex"), size }
}
