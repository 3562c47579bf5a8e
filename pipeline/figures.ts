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
import { cacheKey, type DiskCache } from "./cache.ts"
import { packageVersions } from "./software.ts"

/** What the figures read of a document: which outlet it is from, by id and name. */
export type FigureDocument = Pick<Row<typeof documents>, "doc_id" | "outlet_id" | "outlet">

export interface FigureInput {
  readonly documents: ReadonlyArray<FigureDocument>
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

/** Figures already drawn, by their spec: rendering costs about a quarter of a second each. */
export interface FigureCache {
  readonly svgs: DiskCache<string>
  /** What else shapes an SVG: the pipeline's code and the renderer's versions. */
  readonly rendererKey: string
}

/** The versions of the libraries that draw the figures. */
export const rendererVersions = (): Record<string, string> => packageVersions(["vega", "vega-lite"])

const renderCached = async (spec: FigureSpec["spec"], cache: FigureCache | undefined): Promise<string> => {
  if (cache === undefined) return renderSvg(spec)
  const key = cacheKey("figure", cache.rendererKey, spec)
  const cached = cache.svgs.get(key)
  if (typeof cached === "string") return cached
  const svg = await renderSvg(spec)
  cache.svgs.put(key, svg)
  return svg
}

/** The figures that have data, in a fixed order. */
export const renderFigures = async (input: FigureInput, cache?: FigureCache): Promise<ReadonlyArray<Figure>> => {
  const figures: Array<Figure> = []
  // One at a time: Vega numbers SVG definitions process-wide.
  for (const figure of figureSpecs(input)) {
    if (figure === undefined) continue
    const { spec, ...about } = figure
    figures.push({ ...about, svg: await renderCached(spec, cache) })
  }
  return figures
}
