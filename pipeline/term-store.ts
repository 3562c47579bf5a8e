// The corpus's term totals, kept beside the per-document cache so that a re-run over the same documents
// and a few more folds in only the new documents' terms (every document's term lists, looked up term by
// term, are most of what a re-run after adding one text otherwise does). The totals depend on the
// documents' annotations alone, each known by its cache key, and on the code: one file per code
// version holds the latest totals with the documents they count; a run takes them only if every one
// of those documents is in it with the same key. The file is written aside and renamed into place, so
// a killed run leaves the previous totals or the new ones; an unreadable file is a miss.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { deserialize, serialize } from "node:v8"
import type { TermTotalsState } from "./measure/terms.ts"

export interface KeptTerms {
  /** The documents the totals count: each one's cache key by its doc_id. */
  readonly documents: ReadonlyMap<string, string>
  readonly state: TermTotalsState
}

export interface TermStore {
  /** The latest totals kept under this code, if readable. */
  readonly latest: () => KeptTerms | undefined
  /** Keeps totals as the latest; a failure only means none are kept. */
  readonly put: (kept: KeptTerms) => void
}

interface TermFile {
  readonly codeKey: string
  readonly documents: ReadonlyArray<readonly [string, string]>
  readonly state: TermTotalsState
}

export const openTermStore = (dir: string, codeKey: string): TermStore => {
  const path = join(dir, `${codeKey.slice(0, 16)}.v8`)
  return {
    latest: () => {
      try {
        const kept = deserialize(readFileSync(path)) as TermFile
        return kept.codeKey === codeKey ? { documents: new Map(kept.documents), state: kept.state } : undefined
      } catch {
        return undefined
      }
    },
    put: ({ documents, state }) => {
      const aside = `${path}.${process.pid}.tmp`
      try {
        mkdirSync(dir, { recursive: true })
        writeFileSync(aside, serialize({ codeKey, documents: [...documents], state } satisfies TermFile))
        renameSync(aside, path)
      } catch {
        rmSync(aside, { force: true })
      }
    }
  }
}

/** The documents of `kept` whose terms a run over `documents` (cache keys by doc_id) can take from it: all or none. */
export const resumableDocuments = (kept: KeptTerms | undefined, documents: ReadonlyMap<string, string>): ReadonlySet<string> => {
  if (kept === undefined) return new Set()
  for (const [docId, key] of kept.documents) if (documents.get(docId) !== key) return new Set()
  return new Set(kept.documents.keys())
}
