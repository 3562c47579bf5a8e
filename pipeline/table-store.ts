// The published files of tables, kept beside the per-document cache so that a re-run whose table would
// come out the same takes its files instead of writing and reading them back again. An entry's key says
// everything the table's content depends on (the documents' annotations, the codebooks the table reads,
// the code); its files were read back and verified when first published. An entry is made by hard links
// to a published version's files (a copy where links are not possible) in a folder renamed into place,
// so a killed run leaves no half-made entry; an entry whose files are gone or were touched since (their
// inode, size or modification time differ from the entry's record) is a miss. A version that takes
// the files links them too, and reads them back with its other files before it is made visible.
// An entry of a table ordered by doc_id also records where its row groups lie (publish/group-reuse.ts),
// and the store names each table's latest entry: a re-run whose table changed (a document added) takes
// from it the row groups that come out the same.
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { deserialize, serialize } from "node:v8"
import type { TableDigest } from "./publish/digest.ts"
import type { GroupPlace, PreviousGroups } from "./publish/group-reuse.ts"
import type { RowGroupLimits } from "./publish/row-groups.ts"
import type { WrittenFile } from "./publish/sink.ts"
import { TABLE_FORMATS, tableFile, type TableFormat } from "./publish/content.ts"

export interface StoredTable {
  readonly table: string
  /** Of the rows the files hold. */
  readonly digest: TableDigest
  readonly files: Readonly<Record<TableFormat, WrittenFile>>
  /** The rows of the table a figure draws, where the run draws it from fewer rows than the table's. */
  readonly figureRows?: ReadonlyArray<unknown>
}

/** What says a file is untouched since it was stored: its inode, size and modification time. */
interface FileStamp {
  readonly ino: string
  readonly size: number
  readonly mtimeNs: string
}

interface StoreEntry extends StoredTable {
  readonly stamps: Readonly<Record<TableFormat, FileStamp>>
}

export interface TakenTable extends StoredTable {
  /** The entry's folder, holding the files as a version folder does. */
  readonly dir: string
}

/** Where a table's row groups lie in an entry's files, and what they were made from (publish/group-reuse.ts). */
export interface StoredGroups {
  readonly context: string
  readonly limits: RowGroupLimits
  readonly groups: ReadonlyArray<GroupPlace>
}

export interface TableStore {
  readonly get: (key: string) => TakenTable | undefined
  /**
   * Keeps the files of `stored` found in `versionDir` under `key`, with their row groups' places if
   * given, as the table's latest entry; a failure only means no entry.
   */
  readonly put: (key: string, versionDir: string, stored: StoredTable, groups?: StoredGroups) => void
  /** Makes an entry there already the table's latest. */
  readonly markLatest: (table: string, key: string) => void
  /** The row groups of the table's latest entry, with its files, if it is untouched and has them. */
  readonly latestGroups: (table: string) => PreviousGroups | undefined
}

const ENTRY = "entry.json"
const GROUPS = "groups.v8"
/** A file per table, naming its latest entry. */
const LATEST = "latest"

const stampOf = (path: string): FileStamp => {
  const stat = statSync(path, { bigint: true })
  return { ino: String(stat.ino), size: Number(stat.size), mtimeNs: String(stat.mtimeNs) }
}

const untouched = (dir: string, entry: StoreEntry): boolean =>
  TABLE_FORMATS.every((format) => {
    const path = join(dir, tableFile({ name: entry.table }, format))
    if (!existsSync(path)) return false
    const now = stampOf(path)
    const then = entry.stamps[format]
    return now.ino === then.ino && now.size === then.size && now.size === entry.files[format].size && now.mtimeNs === then.mtimeNs
  })

/** A hard link, or a copy where the file system cannot link (another device). */
const linkOrCopy = (from: string, to: string): void => {
  try {
    linkSync(from, to)
  } catch {
    copyFileSync(from, to)
  }
}

/** Writes a small file aside and renames it into place; a failure only means it is not written. */
const writeAside = (path: string, bytes: string | Uint8Array): void => {
  const aside = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(aside, bytes)
    renameSync(aside, path)
  } catch {
    rmSync(aside, { force: true })
  }
}

export const openTableStore = (dir: string): TableStore => {
  const entryDir = (key: string) => join(dir, key.slice(0, 2), key)
  const latestFile = (table: string) => join(dir, LATEST, table)
  const markLatest = (table: string, key: string) => {
    mkdirSync(join(dir, LATEST), { recursive: true })
    writeAside(latestFile(table), key)
  }
  const get = (key: string): TakenTable | undefined => {
    const at = entryDir(key)
    try {
      const { stamps, ...entry } = JSON.parse(readFileSync(join(at, ENTRY), "utf8")) as StoreEntry
      return untouched(at, { ...entry, stamps }) ? { ...entry, dir: at } : undefined
    } catch {
      return undefined
    }
  }
  return {
    get,
    markLatest,
    latestGroups: (table) => {
      try {
        const entry = get(readFileSync(latestFile(table), "utf8"))
        if (entry === undefined) return undefined
        const stored = deserialize(readFileSync(join(entry.dir, GROUPS))) as StoredGroups
        return {
          ...stored,
          digest: entry.digest,
          csvPath: join(entry.dir, tableFile({ name: table }, "csv")),
          parquetPath: join(entry.dir, tableFile({ name: table }, "parquet")),
          arrowPath: join(entry.dir, tableFile({ name: table }, "arrow"))
        }
      } catch {
        return undefined
      }
    },
    put: (key, versionDir, stored, groups) => {
      const at = entryDir(key)
      if (existsSync(at)) return markLatest(stored.table, key)
      const aside = `${at}.${process.pid}.tmp`
      try {
        const stampEntries = TABLE_FORMATS.map((format) => {
          const file = tableFile({ name: stored.table }, format)
          mkdirSync(join(aside, format), { recursive: true })
          linkOrCopy(join(versionDir, file), join(aside, file))
          return [format, stampOf(join(aside, file))] as const
        })
        const stamps = Object.fromEntries(stampEntries) as Record<TableFormat, FileStamp>
        writeFileSync(join(aside, ENTRY), JSON.stringify({ ...stored, stamps } satisfies StoreEntry))
        if (groups !== undefined) writeFileSync(join(aside, GROUPS), serialize(groups))
        renameSync(aside, at)
        markLatest(stored.table, key)
      } catch {
        rmSync(aside, { recursive: true, force: true }) // another run made it meanwhile, or the disk is full: no entry
      }
    }
  }
}
