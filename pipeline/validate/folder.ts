// The files of a version folder as they are on disk: paths, sizes and SHA-256, read as streams.
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { readdir, readFile, stat } from "node:fs/promises"
import { join, relative, sep } from "node:path"

export interface FileFacts {
  readonly bytes: number
  readonly sha256: string
}

/** Every file under `dir`, by its path relative to `dir` with forward slashes, sorted. */
export const listFiles = async (dir: string): Promise<ReadonlyArray<string>> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort()
}

export const measureFile = async (path: string): Promise<FileFacts> => {
  const hash = createHash("sha256")
  let bytes = 0
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk)
    bytes += chunk.length
  }
  return { bytes, sha256: hash.digest("hex") }
}

export const measureFolder = async (dir: string): Promise<ReadonlyMap<string, FileFacts>> => {
  const facts = new Map<string, FileFacts>()
  for (const path of await listFiles(dir)) facts.set(path, await measureFile(join(dir, path)))
  return facts
}

/** The file's text, or undefined when it does not exist. */
export const readOptionalText = (path: string): Promise<string | undefined> =>
  readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined
    throw error
  })

/** Why `dir` is not a published version folder, in one sentence; undefined when it looks like one. */
export const notAVersionFolder = async (dir: string): Promise<string | undefined> => {
  const info = await stat(dir).catch(() => undefined)
  if (info === undefined) return "no such folder"
  if (!info.isDirectory()) return "is not a folder"
  const names = await readdir(dir)
  if (names.includes("manifest.json") || names.includes("datapackage.json")) return undefined
  const versions = []
  for (const name of names.sort()) {
    if (await stat(join(dir, name, "manifest.json")).then(() => true, () => false)) versions.push(join(dir, name))
  }
  return versions.length > 0
    ? `is a dataset folder, not one of its versions (try ${versions.join(" or ")})`
    : "is not a published dataset version (it has no manifest.json or datapackage.json)"
}
