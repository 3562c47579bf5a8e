// The published files of tables, kept beside the per-document cache so that a re-run whose table would
// come out the same takes its files instead of writing and reading them back again. An entry's key says
// everything the table's content depends on (the documents' annotations, the codebooks the table reads,
// the code); its files were read back and verified when first published, and are checked against their
// SHA-256 again whenever they are taken (publish.ts reads back every file of a version before it is
// made visible). An entry is made by hard links to a published version's files (a copy where links are
// not possible) in a folder renamed into place, so a killed run leaves no half-made entry; an entry
// whose files are gone or differ is a miss.
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { TableDigest } from "./publish/digest.ts"
import type { WrittenFile } from "./publish/sink.ts"
import { TABLE_FORMATS, tableFile, type TableFormat } from "./publish/content.ts"

export interface StoredTable {
  readonly table: string
  /** Of the rows the files hold. */
  readonly digest: TableDigest
  readonly files: Readonly<Record<TableFormat, WrittenFile>>
}

export interface TakenTable extends StoredTable {
  /** The entry's folder, holding the files as a version folder does. */
  readonly dir: string
}

export interface TableStore {
  readonly get: (key: string) => TakenTable | undefined
  /** Keeps the files of `stored` found in `versionDir` under `key`; a failure only means no entry. */
  readonly put: (key: string, versionDir: string, stored: StoredTable) => void
}

const ENTRY = "entry.json"

const filesPresent = (dir: string, entry: StoredTable): boolean =>
  TABLE_FORMATS.every((format) => {
    const path = join(dir, tableFile({ name: entry.table }, format))
    return existsSync(path) && statSync(path).size === entry.files[format].size
  })

const linkOrCopy = (from: string, to: string): void => {
  try {
    linkSync(from, to)
  } catch {
    copyFileSync(from, to)
  }
}

export const openTableStore = (dir: string): TableStore => {
  const entryDir = (key: string) => join(dir, key.slice(0, 2), key)
  return {
    get: (key) => {
      const at = entryDir(key)
      try {
        const entry = JSON.parse(readFileSync(join(at, ENTRY), "utf8")) as StoredTable
        return filesPresent(at, entry) ? { ...entry, dir: at } : undefined
      } catch {
        return undefined
      }
    },
    put: (key, versionDir, stored) => {
      const at = entryDir(key)
      if (existsSync(at)) return
      const aside = `${at}.${process.pid}.tmp`
      try {
        for (const format of TABLE_FORMATS) {
          mkdirSync(join(aside, format), { recursive: true })
          linkOrCopy(join(versionDir, tableFile({ name: stored.table }, format)), join(aside, tableFile({ name: stored.table }, format)))
        }
        writeFileSync(join(aside, ENTRY), JSON.stringify(stored))
        renameSync(aside, at)
      } catch {
        rmSync(aside, { recursive: true, force: true }) // another run made it meanwhile, or the disk is full: no entry
      }
    }
  }
}
