// The most key terms of each outlet against the rest of the corpus: lemma unigrams, stop words
// excluded, ranked by positive log-likelihood G², one small bar chart per outlet.
import type { keyness } from "../../schemas/keyness.ts"
import type { Row } from "../../schemas/table.ts"
import type { FigureInput } from "../figures.ts"
import { byText, topPerGroup, outletLabeller, uniqueSorted } from "./labels.ts"
import { CATEGORICAL_COLOURS, type FigureSpec } from "./render.ts"

export const KEY_TERMS_PER_OUTLET = 10
/** The uncorrected significance level the bars are shaded by (G² ≥ 3.84). */
export const KEY_TERM_ALPHA = 0.05
const PANEL_COLUMNS = 2
const PANEL_WIDTH = 190
const BAR_HEIGHT = 15

const SIGNIFICANT = `p < ${KEY_TERM_ALPHA}`
const NOT_SIGNIFICANT = `p ≥ ${KEY_TERM_ALPHA}`

// Drops clitics and stray symbols ("'s", "-") that the stop list does not cover.
const isWordLike = (term: string): boolean => (term.match(/\p{L}/gu)?.length ?? 0) >= 2

interface KeyTermBar {
  readonly outlet: string
  readonly term: string
  readonly rank: number
  readonly g2: number
  readonly significance: string
}

type KeynessRow = Row<typeof keyness>

/** A keyness row the figure may draw: an outlet's lemma, no stop word, overused, word-like. */
const isCandidate = (row: KeynessRow): boolean =>
  row.group_by === "outlet" && row.form === "lemma" && row.ngram === 1 && !row.is_stop && row.g2 > 0 && isWordLike(row.term)

/** The figure's ranking within an outlet: by G², then by term. */
const byRank = (a: KeynessRow, b: KeynessRow): number => b.g2 - a.g2 || byText(a.term, b.term)

/**
 * The keyness rows the figure can draw, collected as the table streams past: the first
 * KEY_TERMS_PER_OUTLET of each outlet. (Outlets sharing a label share a panel, whose bars are then
 * among the union of their firsts.) The rest of keyness, which grows with the vocabulary, is not kept.
 */
export class KeyTermCandidates {
  private readonly byTarget = new Map<string, Array<KeynessRow>>()

  add(row: KeynessRow): void {
    if (!isCandidate(row)) return
    const ranked = this.byTarget.get(row.target) ?? []
    this.byTarget.set(row.target, ranked)
    if (ranked.length === KEY_TERMS_PER_OUTLET && byRank(row, ranked[ranked.length - 1]!) >= 0) return
    let at = ranked.length
    while (at > 0 && byRank(row, ranked[at - 1]!) < 0) at--
    ranked.splice(at, 0, row)
    if (ranked.length > KEY_TERMS_PER_OUTLET) ranked.pop()
  }

  rows(): Array<KeynessRow> {
    return [...this.byTarget.keys()].sort(byText).flatMap((target) => this.byTarget.get(target)!)
  }
}

const keyTermBars = (input: FigureInput): Array<KeyTermBar> => {
  const label = outletLabeller(input.documents)
  const candidates = input.keyness
    .filter(isCandidate)
    .map((row) => ({ ...row, outlet: label(row.target) }))
    .sort((a, b) => byText(a.outlet, b.outlet) || byRank(a, b))
  return topPerGroup(candidates, (row) => row.outlet, KEY_TERMS_PER_OUTLET).map((row) => ({
    outlet: row.outlet,
    term: row.term,
    rank: row.rank,
    g2: row.g2,
    significance: row.p_value < KEY_TERM_ALPHA ? SIGNIFICANT : NOT_SIGNIFICANT
  }))
}

/** Skipped (undefined) when no outlet has a positively key lemma. */
export const keyTermsFigure = (input: FigureInput): FigureSpec | undefined => {
  const bars = keyTermBars(input)
  if (bars.length === 0) return undefined
  const title = "Key terms by outlet"
  return {
    name: "key-terms-by-outlet",
    title,
    description: `The ${KEY_TERMS_PER_OUTLET} lemmas (stop words excluded) most overused by each outlet against all other documents, by signed log-likelihood G² (bar length); dark bars are significant at p < ${KEY_TERM_ALPHA} (G² ≥ 3.84), uncorrected for multiple testing.`,
    spec: {
      title: { text: title, subtitle: `Top ${KEY_TERMS_PER_OUTLET} lemmas by log-likelihood G² against the rest of the corpus, stop words excluded` },
      data: { values: bars },
      facet: { field: "outlet", type: "nominal", sort: uniqueSorted(bars.map((bar) => bar.outlet)), title: null },
      columns: PANEL_COLUMNS,
      resolve: { scale: { y: "independent" } },
      spec: {
        width: PANEL_WIDTH,
        height: { step: BAR_HEIGHT },
        mark: { type: "bar" },
        encoding: {
          y: { field: "term", type: "nominal", sort: { field: "rank", op: "min", order: "ascending" }, title: null },
          x: { field: "g2", type: "quantitative", title: "G² (log-likelihood)", axis: { format: ",.0f" } },
          color: {
            field: "significance",
            type: "nominal",
            scale: { domain: [SIGNIFICANT, NOT_SIGNIFICANT], range: [CATEGORICAL_COLOURS[0] ?? "#0072B2", "#9ecae1"] },
            legend: { title: "Significance (uncorrected)", orient: "top" }
          }
        }
      }
    }
  }
}
