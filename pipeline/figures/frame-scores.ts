// Frame scores per 1,000 tokens by camp or by outlet: one bar per group and frame, with the 95%
// bootstrap confidence interval as a whisker.
import type { FigureInput } from "../figures.ts"
import { byText, type Grouping, groupLabeller, headingOf, uniqueSorted } from "./labels.ts"
import { CATEGORICAL_COLOURS, type FigureSpec } from "./render.ts"

const PLOT_WIDTH = 460
const BAR_HEIGHT = 11
/** Space between the bars of one frame and the next. */
const FRAME_GAP = 14

interface FrameBar {
  readonly frame: string
  readonly group: string
  readonly per_1k: number
  readonly ci_low: number | null
  readonly ci_high: number | null
}

const frameLabeller = (input: FigureInput) => {
  const labels = new Map(input.frameLexicon.map((row) => [row.frame_id, row.label]))
  return (frameId: string) => labels.get(frameId) ?? headingOf(frameId)
}

const frameBars = (input: FigureInput, level: Grouping): Array<FrameBar> => {
  const label = groupLabeller(input.documents, level)
  const frameLabel = frameLabeller(input)
  return input.frameScores
    .filter((row) => row.level === level)
    .flatMap((row) =>
      row.per_1k === null
        ? []
        : [{ frame: frameLabel(row.frame_id), group: label(row.unit), per_1k: row.per_1k, ci_low: row.ci_low, ci_high: row.ci_high }]
    )
    .sort((a, b) => byText(a.frame, b.frame) || byText(a.group, b.group))
}

const groupTitle: Record<Grouping, string> = { camp: "Camp", outlet: "Outlet" }

/** Skipped (undefined) when the level has no scored unit. */
export const frameScoresFigure = (input: FigureInput, level: Grouping): FigureSpec | undefined => {
  const bars = frameBars(input, level)
  if (bars.length === 0) return undefined
  const groups = uniqueSorted(bars.map((bar) => bar.group))
  const frames = uniqueSorted(bars.map((bar) => bar.frame))
  const frameBand = groups.length * BAR_HEIGHT + FRAME_GAP
  const title = `Frame scores by ${level}`
  return {
    name: `frame-scores-by-${level}`,
    title,
    description: `Hits of each frame's lexicon terms per 1,000 non-punctuation tokens, pooled over each ${level}'s documents (bars), with the 95% bootstrap confidence interval from frame_scores.ci_low to ci_high (whiskers).`,
    spec: {
      title: { text: title, subtitle: "Bars: hits per 1,000 tokens; whiskers: 95% bootstrap confidence interval" },
      data: { values: bars },
      width: PLOT_WIDTH,
      height: frames.length * frameBand,
      encoding: {
        y: { field: "frame", type: "nominal", sort: frames, title: null, scale: { paddingInner: FRAME_GAP / frameBand } },
        yOffset: { field: "group", type: "nominal", sort: groups }
      },
      layer: [
        {
          mark: { type: "bar" },
          encoding: {
            x: { field: "per_1k", type: "quantitative", title: "Hits per 1,000 tokens", axis: { format: ",.0f" } },
            color: {
              field: "group",
              type: "nominal",
              sort: groups,
              scale: { domain: groups, range: CATEGORICAL_COLOURS },
              legend: { title: groupTitle[level], orient: "right" }
            }
          }
        },
        {
          mark: { type: "rule", color: "#222", strokeWidth: 1.2 },
          encoding: { x: { field: "ci_low", type: "quantitative" }, x2: { field: "ci_high" } }
        }
      ]
    }
  }
}
