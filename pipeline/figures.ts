// The dataset's figures: Vega-Lite charts of the measure tables, rendered headless to SVG, the same
// bytes for the same rows whatever their order, the time, locale or process. A figure whose table
// has no rows for it is skipped (left out of the list), not drawn empty.
import type { documents } from "../schemas/documents.ts"
import type { entitySalience } from "../schemas/entity_salience.ts"
import type { frameScores } from "../schemas/frame_scores.ts"
import type { frameLexicon } from "../schemas/frame_lexicon.ts"
import type { keyness } from "../schemas/keyness.ts"
import type { namingVariants } from "../schemas/naming_variants.ts"
import type { Row } from "../schemas/table.ts"
import { entitySalienceFigure } from "./figures/entity-salience.ts"
import { frameScoresFigure } from "./figures/frame-scores.ts"
import { keyTermsFigure } from "./figures/key-terms.ts"
import { namingVariantsFigure } from "./figures/naming-variants.ts"
import { type FigureSpec, renderSvg } from "./figures/render.ts"

export interface FigureInput {
  readonly documents: ReadonlyArray<Row<typeof documents>>
  readonly frameScores: ReadonlyArray<Row<typeof frameScores>>
  /** For the frames' readable labels. */
  readonly frameLexicon: ReadonlyArray<Row<typeof frameLexicon>>
  readonly keyness: ReadonlyArray<Row<typeof keyness>>
  readonly namingVariants: ReadonlyArray<Row<typeof namingVariants>>
  readonly entitySalience: ReadonlyArray<Row<typeof entitySalience>>
}

export interface Figure {
  /** File stem, e.g. "frame-scores-by-camp". */
  readonly name: string
  readonly title: string
  /** One sentence: what is plotted, in which units, what the marks mean. */
  readonly description: string
  readonly svg: string
}

const figureSpecs = (input: FigureInput): Array<FigureSpec | undefined> => [
  frameScoresFigure(input, "camp"),
  frameScoresFigure(input, "outlet"),
  keyTermsFigure(input),
  namingVariantsFigure(input, "camp"),
  namingVariantsFigure(input, "outlet"),
  entitySalienceFigure(input)
]

/** The figures that have data, in a fixed order. */
export const renderFigures = async (input: FigureInput): Promise<ReadonlyArray<Figure>> => {
  const figures: Array<Figure> = []
  // One at a time: Vega numbers SVG definitions process-wide.
  for (const figure of figureSpecs(input)) {
    if (figure === undefined) continue
    const { spec, ...about } = figure
    figures.push({ ...about, svg: await renderSvg(spec) })
  }
  return figures
}
