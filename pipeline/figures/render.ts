// Renders a Vega-Lite spec to an SVG string, headless and byte-for-byte deterministic, with one
// house style shared by every figure.
import type { TopLevelSpec } from "vega-lite"

const FONT = "Helvetica, Arial, sans-serif"

/** Okabe & Ito (2008), the colour-blind-safe categorical palette; yellow (faint on white) and black (heavy) last. */
export const CATEGORICAL_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

const LABEL_FONT_SIZE = 11
const AXIS_TICK_SIZE = 5
const AXIS_LABEL_PADDING = 3
/** Longer axis and legend labels are cut with an ellipsis. */
const LABEL_LIMIT = 360

/** Fixed en-US number formatting, whatever the machine's locale. */
const NUMBER_LOCALE = { decimal: ".", thousands: ",", grouping: [3], currency: ["", ""] as [string, string] }

const houseStyle: NonNullable<TopLevelSpec["config"]> = {
  font: FONT,
  background: "white",
  padding: 12,
  locale: { number: NUMBER_LOCALE },
  numberFormat: ",.3~f",
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: "#444", anchor: "start", offset: 12 },
  axis: {
    labelFontSize: LABEL_FONT_SIZE,
    tickSize: AXIS_TICK_SIZE,
    labelPadding: AXIS_LABEL_PADDING,
    titleFontSize: 12,
    titleFontWeight: "normal",
    labelColor: "#222",
    titleColor: "#222"
  },
  axisY: { labelLimit: LABEL_LIMIT },
  header: { labelFontSize: 12, labelFontWeight: "bold", titleFontSize: 12, titleFontWeight: "normal" },
  legend: { labelFontSize: LABEL_FONT_SIZE, titleFontSize: 12, labelLimit: LABEL_LIMIT, titleLimit: LABEL_LIMIT },
  view: { stroke: "#ddd" },
  bar: { discreteBandSize: { band: 0.85 } }
}

/** Vega and Vega-Lite, loaded when a figure is first drawn (a re-run taking its figures from the cache never is). */
const renderer = (() => {
  let loading: Promise<{ vega: typeof import("vega"); compile: typeof import("vega-lite").compile }> | undefined
  return () =>
    (loading ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, { compile }]) => {
      // Vega measures text with a canvas when the optional `canvas` package happens to be installed; the
      // estimate it falls back on otherwise is what we always want, so that layouts never depend on it.
      ;(vega as unknown as { textMetrics: { canvas: (use: boolean) => void } }).textMetrics.canvas(false)
      return { vega, compile }
    }))
})()

/**
 * The extent Vega gives a y axis with these labels, by the estimate it uses without a canvas
 * (0.8 × font size per character): for lining up the plots of stacked panels.
 */
export const yAxisExtent = (labels: ReadonlyArray<string>): number =>
  Math.min(LABEL_LIMIT, Math.max(0, ...labels.map((label) => Math.floor(0.8 * LABEL_FONT_SIZE * label.length)))) +
  AXIS_TICK_SIZE +
  AXIS_LABEL_PADDING

/** Compiles and renders one spec. Call it for one figure at a time: Vega numbers SVG defs process-wide. */
export const renderSvg = async (spec: TopLevelSpec): Promise<string> => {
  const { vega, compile } = await renderer()
  const { spec: vegaSpec } = compile({ ...spec, config: houseStyle })
  const view = new vega.View(vega.parse(vegaSpec), { renderer: "none" })
  try {
    vega.resetSVGDefIds()
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

/** A figure before rendering: its file stem, title, one-sentence description and Vega-Lite spec. */
export interface FigureSpec {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly spec: TopLevelSpec
}
