// A per-document cache on disk, so that a re-run after editing one codebook or adding one text redoes
// only what changed. An entry's key says everything its value depends on (the raw bytes, the manifest
// row, the codebooks it was computed with and the pipeline's own code); its value is written aside and
// renamed into place, so a killed run leaves no half-written entry, and an unreadable entry is a miss.
import { createHash } from "node:crypto"
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { deserialize, serialize } from "node:v8"

export interface DiskCache<Value> {
  readonly get: (key: string) => Value | undefined
  readonly put: (key: string, value: Value) => void
}

export const cacheKey = (...parts: ReadonlyArray<unknown>): string =>
  createHash("sha256").update(JSON.stringify(parts)).digest("hex")

export const openDiskCache = <Value>(dir: string): DiskCache<Value> => {
  const pathOf = (key: string) => join(dir, key.slice(0, 2), `${key}.v8`)
  return {
    get: (key) => {
      try {
        return deserialize(readFileSync(pathOf(key))) as Value
      } catch {
        return undefined
      }
    },
    put: (key, value) => {
      const path = pathOf(key)
      mkdirSync(join(path, ".."), { recursive: true })
      const aside = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
      writeFileSync(aside, serialize(value))
      renameSync(aside, path)
    }
  }
}

const projectRoot = fileURLToPath(new URL("../", import.meta.url))

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.(ts|mjs)$/.test(entry.name) ? [path] : []
  })

const fingerprints = new Map<string, string>()

/**
 * A hash of the code that shapes a document's rows, and of the library versions: any edit invalidates the
 * cache. Taken once per process, as the code it describes is loaded once.
 */
export const codeFingerprint = (libraries: Readonly<Record<string, string>>): string => {
  const librariesKey = JSON.stringify(libraries)
  const known = fingerprints.get(librariesKey)
  if (known !== undefined) return known
  const hash = createHash("sha256").update(librariesKey)
  for (const file of [...sourceFiles(join(projectRoot, "pipeline")), ...sourceFiles(join(projectRoot, "schemas"))].sort()) {
    if (statSync(file).isFile()) hash.update(relative(projectRoot, file)).update(readFileSync(file))
  }
  const fingerprint = hash.digest("hex")
  fingerprints.set(librariesKey, fingerprint)
  return fingerprint
}
