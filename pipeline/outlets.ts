// The document's own outlet: from the manifest, else inferred from a cue (a disclaimer, a signature line)
// that outlets.csv lists for it. Cues sit in boilerplate, so this looks at the raw text, before cleaning.
import type { OutletRow } from "../schemas/inputs/outlets.ts"
import { cuesOf } from "../schemas/inputs/outlets.ts"
import type { SourceRow } from "../schemas/inputs/sources.ts"

export interface OutletAssignment {
  readonly outlet_id: string | null
  readonly outlet: string | null
  readonly country: string | null
  readonly camp: string | null
  readonly outlet_source: "manifest" | "inferred" | "unknown"
  readonly outlet_evidence: string | null
  /** Said in the run summary: a manifest outlet contradicted by a cue, or cues of several outlets. */
  readonly warning: string | null
}

interface CueMatch {
  readonly outlet: OutletRow
  readonly cue: string
}

const matchCues = (raw: string, outlets: ReadonlyMap<string, OutletRow>): ReadonlyArray<CueMatch> =>
  [...outlets.values()].flatMap((outlet) => {
    const cue = cuesOf(outlet).find((candidate) => raw.includes(candidate))
    return cue === undefined ? [] : [{ outlet, cue }]
  })

const describe = (matches: ReadonlyArray<CueMatch>): string =>
  matches.map((match) => `${match.outlet.outlet_id} ("${match.cue}")`).join(", ")

export const assignOutlet = (source: SourceRow, raw: string, outlets: ReadonlyMap<string, OutletRow>): OutletAssignment => {
  const matches = matchCues(raw, outlets)
  const fromOutlet = (outlet: OutletRow | undefined) => ({
    outlet_id: outlet?.outlet_id ?? null,
    outlet: outlet?.name ?? null,
    country: outlet?.country ?? null,
    camp: source.camp ?? outlet?.camp ?? null
  })

  if (source.outlet_id !== null) {
    const contradicting = matches.filter((match) => match.outlet.outlet_id !== source.outlet_id)
    return {
      ...fromOutlet(outlets.get(source.outlet_id)),
      outlet_source: "manifest",
      outlet_evidence: null,
      warning: contradicting.length === 0
        ? null
        : `${source.doc_id}: the manifest says ${source.outlet_id}, but the text carries cues of ${describe(contradicting)}; the manifest is kept`
    }
  }
  const [only, ...others] = matches
  if (only !== undefined && others.length === 0) {
    return { ...fromOutlet(only.outlet), outlet_source: "inferred", outlet_evidence: only.cue, warning: null }
  }
  return {
    ...fromOutlet(undefined),
    outlet_source: "unknown",
    outlet_evidence: null,
    warning: matches.length > 1
      ? `${source.doc_id}: no outlet in the manifest and cues of several outlets, ${describe(matches)}; left unknown`
      : null
  }
}
