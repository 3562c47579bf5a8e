// Running the pipeline in N pieces (a Slurm job array, say): `--shard I/N` processes a deterministic share
// of the documents into a partial file, and `npm run merge` publishes the N partials as exactly the
// dataset one run would have published.
//
// Shard I of N takes the I-th of N contiguous runs of the documents in doc_id order, so the partials,
// read in shard order, give the documents in the order a single run processes them. A partial file
// holds a header line of JSON (what it was computed from), then each processed document as a
// length-prefixed V8 serialisation. It is written aside and renamed into place: a killed shard leaves
// no partial that looks complete.
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs"
import { basename, join } from "node:path"
import { deserialize, serialize } from "node:v8"
import type { ProcessedDocument } from "./document.ts"

export interface ShardSpec {
  /** 1-based. */
  readonly index: number
  readonly count: number
}

/** "3/8" → shard 3 of 8; undefined if the text is not of that form. */
export const parseShard = (text: string): ShardSpec | undefined => {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim())
  if (match === null) return undefined
  const index = Number(match[1])
  const count = Number(match[2])
  return count >= 1 && index >= 1 && index <= count ? { index, count } : undefined
}

/** The items of shard `spec`: the index-th of `count` contiguous, near-equal runs. */
export const shareOf = <A>(items: ReadonlyArray<A>, spec: ShardSpec): ReadonlyArray<A> =>
  items.slice(Math.floor(((spec.index - 1) * items.length) / spec.count), Math.floor((spec.index * items.length) / spec.count))

const FORMAT = "discourse-pipeline partial 1"

export interface PartialHeader {
  readonly format: typeof FORMAT
  readonly dataset: string
  readonly version: string
  readonly shard: ShardSpec
  /** What the documents were computed from: the corpus's inputs, the codebooks and the code. */
  readonly runKey: string
  readonly doc_ids: ReadonlyArray<string>
}

export const partialFileName = (dataset: string, version: string, spec: ShardSpec): string =>
  `${dataset}@${version}.shard-${spec.index}-of-${spec.count}.partial`

export interface PartialWriter {
  readonly add: (doc: ProcessedDocument) => void
  /** Makes the partial visible under its name. */
  readonly finish: () => string
  /** Removes what was written (after a failure). */
  readonly abandon: () => void
}

export const writePartial = (dir: string, header: Omit<PartialHeader, "format">): PartialWriter => {
  const path = join(dir, partialFileName(header.dataset, header.version, header.shard))
  const aside = `${path}.${process.pid}.tmp`
  const fd = openSync(aside, "w")
  let open = true
  writeSync(fd, `${JSON.stringify({ format: FORMAT, ...header })}\n`)
  const length = Buffer.alloc(4)
  return {
    add: (doc) => {
      const bytes = serialize(doc)
      length.writeUInt32LE(bytes.byteLength)
      writeSync(fd, length)
      writeSync(fd, bytes)
    },
    finish: () => {
      fsyncSync(fd)
      closeSync(fd)
      open = false
      renameSync(aside, path)
      return path
    },
    abandon: () => {
      if (open) closeSync(fd)
      open = false
      rmSync(aside, { force: true })
    }
  }
}

export class PartialUnreadable extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file} ${problem}`)
  }
}

/** Reads exactly `bytes.byteLength` bytes at `position`, or fewer at the end of the file. */
const readAt = (fd: number, bytes: Uint8Array, position: number): number => {
  let done = 0
  while (done < bytes.byteLength) {
    const read = readSync(fd, bytes, done, bytes.byteLength - done, position + done)
    if (read === 0) break
    done += read
  }
  return done
}

/** The bytes before the file's first newline; undefined if it has none. */
const readHeaderLine = (fd: number): Buffer | undefined => {
  const chunks: Array<Buffer> = []
  for (let position = 0; ;) {
    const chunk = Buffer.alloc(1 << 16)
    const read = readAt(fd, chunk, position)
    const newline = chunk.subarray(0, read).indexOf(10)
    if (newline >= 0) return Buffer.concat([...chunks, chunk.subarray(0, newline)])
    if (read < chunk.byteLength) return undefined
    chunks.push(chunk)
    position += read
  }
}

export interface PartialFile {
  readonly path: string
  readonly header: PartialHeader
  /** The documents, one at a time (the file is open until the iteration ends). */
  readonly documents: () => Generator<ProcessedDocument>
}

/** A partial file's header line, checked to be one this pipeline wrote. */
export const openPartial = (path: string): PartialFile => {
  const file = basename(path)
  const fd = openSync(path, "r")
  try {
    const headerLine = readHeaderLine(fd)
    if (headerLine === undefined) throw new PartialUnreadable(file, "has no header line: it is not a partial of this pipeline")
    let header: PartialHeader
    try {
      header = JSON.parse(headerLine.toString("utf8")) as PartialHeader
    } catch {
      throw new PartialUnreadable(file, "has a header that is not JSON: it is not a partial of this pipeline")
    }
    if (header.format !== FORMAT) throw new PartialUnreadable(file, `is not a partial of this pipeline (format ${JSON.stringify(header.format)})`)
    const bodyStart = headerLine.byteLength + 1
    return {
      path,
      header,
      documents: function* () {
        const body = openSync(path, "r")
        try {
          const length = Buffer.alloc(4)
          let position = bodyStart
          for (let n = 0; n < header.doc_ids.length; n++) {
            if (readAt(body, length, position) !== 4) throw new PartialUnreadable(file, `ends after ${n} of its ${header.doc_ids.length} documents`)
            const bytes = Buffer.alloc(length.readUInt32LE(0))
            if (readAt(body, bytes, position + 4) !== bytes.byteLength) throw new PartialUnreadable(file, `ends inside document ${n + 1}`)
            position += 4 + bytes.byteLength
            const doc = deserialize(bytes) as ProcessedDocument
            if (doc.document.doc_id !== header.doc_ids[n]) {
              throw new PartialUnreadable(file, `holds ${doc.document.doc_id} where its header lists ${header.doc_ids[n]}`)
            }
            yield doc
          }
        } finally {
          closeSync(body)
        }
      }
    }
  } finally {
    closeSync(fd)
  }
}
