// How each camp or outlet names the concepts of the naming codebook: one 100% stacked bar per group
// and concept, one panel per concept with matches, each with its own variant colours.
import type { FigureInput } from "../figures.ts"
import { byText, type Grouping, groupLabeller, headingOf, uniqueSorted } from "./labels.ts"
import { CATEGORICAL_COLOURS, type FigureSpec, yAxisExtent } from "./render.ts"

const PLOT_WIDTH = 420
const BAR_HEIGHT = 20

interface VariantSegment {
  readonly group: string
  readonly variant: string
  readonly variantOrder: number
  readonly share: number
}

interface ConceptPanel {
  readonly concept: string
  readonly variants: ReadonlyArray<string>
  readonly segments: ReadonlyArray<VariantSegment>
}

const totalKey = (concept: string, group: string) => `${concept}\u0000${group}`

/** Total matches of each (concept, group), by totalKey. */
const conceptTotals = (rows: FigureInput["namingVariants"]): Map<string, number> => {
  const totals = new Map<string, number>()
  for (const row of rows) {
    const key = totalKey(row.concept, row.group)
    totals.set(key, (totals.get(key) ?? 0) + row.count)
  }
  return totals
}

/** One panel per concept with at least one match; variants never used by any group are left out. */
/** The naming_variants rows the figures can draw: variants used by a camp or an outlet. */
export const isDrawnNaming = (row: FigureInput["namingVariants"][number]): boolean =>
  (row.group_by === "camp" || row.group_by === "outlet") && row.count > 0

const conceptPanels = (input: FigureInput, grouping: Grouping): Array<ConceptPanel> => {
  const label = groupLabeller(input.documents, grouping)
  const used = input.namingVariants.filter((row) => row.group_by === grouping && isDrawnNaming(row))
  const totals = conceptTotals(used)
  return uniqueSorted(used.map((row) => row.concept)).map((concept) => {
    const rows = used.filter((row) => row.concept === concept)
    const variants = uniqueSorted(rows.map((row) => row.variant))
    const segments = rows
      .map((row) => ({
        group: `${label(row.group)} (n = ${totals.get(totalKey(concept, row.group)) ?? 0})`,
        variant: row.variant,
        variantOrder: variants.indexOf(row.variant),
        share: row.share
      }))
      .sort((a, b) => byText(a.group, b.group) || a.variantOrder - b.variantOrder)
    return { concept, variants, segments }
  })
}

interface PanelLayout {
  /** The same for every panel, so that their bars line up. */
  readonly yAxisWidth: number
  readonly isLast: boolean
}

const panelSpec = (panel: ConceptPanel, { yAxisWidth, isLast }: PanelLayout) => ({
  title: { text: headingOf(panel.concept), fontSize: 13 },
  data: { values: panel.segments },
  width: PLOT_WIDTH,
  height: { step: BAR_HEIGHT },
  mark: { type: "bar" as const, stroke: "white", strokeWidth: 0.5 },
  encoding: {
    y: {
      field: "group",
      type: "nominal" as const,
      sort: uniqueSorted(panel.segments.map((segment) => segment.group)),
      title: null,
      axis: { minExtent: yAxisWidth }
    },
    x: {
      field: "share",
      type: "quantitative" as const,
      stack: "zero" as const,
      scale: { domain: [0, 1] },
      title: isLast ? "Share of the concept's matches (n = the concept's matches in the group)" : null,
      axis: { format: ".0%" }
    },
    color: {
      field: "variant",
      type: "nominal" as const,
      sort: [...panel.variants],
      scale: { domain: [...panel.variants], range: CATEGORICAL_COLOURS },
      legend: { title: "Variant" }
    },
    order: { field: "variantOrder", type: "quantitative" as const }
  }
})

/** Skipped (undefined) when no concept has a match in the grouping. */
export const namingVariantsFigure = (input: FigureInput, grouping: Grouping): FigureSpec | undefined => {
  const panels = conceptPanels(input, grouping)
  if (panels.length === 0) return undefined
  const title = `Naming variants by ${grouping}`
  const yAxisWidth = yAxisExtent(panels.flatMap((panel) => panel.segments.map((segment) => segment.group)))
  return {
    name: `naming-variants-by-${grouping}`,
    title,
    description: `For each naming concept with matches, the share of each variant among the concept's matches in each ${grouping} (100% stacked bars; n = the concept's matches in that ${grouping}); variants no ${grouping} uses are left out.`,
    spec: {
      title: { text: title, subtitle: "Share of each variant among a concept's matches" },
      vconcat: panels.map((panel, i) => panelSpec(panel, { yAxisWidth, isLast: i === panels.length - 1 })),
      spacing: 24,
      resolve: { scale: { color: "independent", y: "independent", x: "shared" }, legend: { color: "independent" } }
    }
  }
}
