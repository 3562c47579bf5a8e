// The most salient entities of each camp: mentions per 10,000 tokens, one small bar chart per camp.
import type { FigureInput } from "../figures.ts"
import { byText, topPerGroup, uniqueSorted } from "./labels.ts"
import { CATEGORICAL_COLOURS, type FigureSpec } from "./render.ts"

export const ENTITIES_PER_CAMP = 12
/** Entities mentioned once are left out: with a handful of documents, a single mention says little. */
export const MIN_ENTITY_MENTIONS = 2
const PANEL_COLUMNS = 3
const PANEL_WIDTH = 150
const BAR_HEIGHT = 15

/** Each entity type keeps its label and colour whichever types a corpus has. */
const ENTITY_TYPES: ReadonlyArray<readonly [type: string, label: string]> = [
  ["PERSON", "Person"],
  ["ORG", "Organisation"],
  ["GPE", "Place (geopolitical)"],
  ["MEDIA", "Media outlet"],
  ["EVENT", "Event"],
  ["UNKNOWN", "Other"]
]
const typeLabel = (type: string): string => ENTITY_TYPES.find(([known]) => known === type)?.[1] ?? type
const typeColour = (label: string): string => {
  const index = ENTITY_TYPES.findIndex(([, known]) => known === label)
  return CATEGORICAL_COLOURS[index < 0 ? CATEGORICAL_COLOURS.length - 1 : index] ?? "#000000"
}

/** The labels of the types present, the known ones in their fixed order first. */
const typesInOrder = (labels: ReadonlyArray<string>): Array<string> => {
  const known = ENTITY_TYPES.map(([, label]) => label)
  const present = uniqueSorted(labels)
  return [...known.filter((label) => present.includes(label)), ...present.filter((label) => !known.includes(label))]
}

/** The entity_salience rows the figure can draw: camps' entities mentioned often enough. */
export const isDrawnSalience = (row: FigureInput["entitySalience"][number]): boolean =>
  row.group_by === "camp" && row.mentions >= MIN_ENTITY_MENTIONS

interface EntityBar {
  readonly camp: string
  readonly entity: string
  readonly type: string
  readonly rank: number
  readonly per_10k: number
}

const entityBars = (input: FigureInput): Array<EntityBar> => {
  const candidates = input.entitySalience
    .filter(isDrawnSalience)
    .map((row) => ({ camp: row.group, entity: row.canonical, entityId: row.entity_id, type: typeLabel(row.type), per_10k: row.per_10k }))
    .sort((a, b) => byText(a.camp, b.camp) || b.per_10k - a.per_10k || byText(a.entity, b.entity) || byText(a.entityId, b.entityId))
  return topPerGroup(candidates, (row) => row.camp, ENTITIES_PER_CAMP).map(({ entityId: _, ...bar }) => bar)
}

/** Skipped (undefined) when no camp has an entity mentioned often enough. */
export const entitySalienceFigure = (input: FigureInput): FigureSpec | undefined => {
  const bars = entityBars(input)
  if (bars.length === 0) return undefined
  const types = typesInOrder(bars.map((bar) => bar.type))
  const title = "Most salient entities by camp"
  return {
    name: "entity-salience-by-camp",
    title,
    description: `The ${ENTITIES_PER_CAMP} entities each camp mentions most, as mentions per 10,000 non-punctuation tokens of the camp (bar length, coloured by entity type); entities mentioned fewer than ${MIN_ENTITY_MENTIONS} times are left out.`,
    spec: {
      title: { text: title, subtitle: `Top ${ENTITIES_PER_CAMP} canonical entities per camp, at least ${MIN_ENTITY_MENTIONS} mentions` },
      data: { values: bars },
      facet: { field: "camp", type: "nominal", sort: uniqueSorted(bars.map((bar) => bar.camp)), title: "Camp", header: { labelOrient: "top", titleOrient: "top" } },
      columns: PANEL_COLUMNS,
      resolve: { scale: { y: "independent" } },
      spec: {
        width: PANEL_WIDTH,
        height: { step: BAR_HEIGHT },
        mark: { type: "bar" },
        encoding: {
          y: { field: "entity", type: "nominal", sort: { field: "rank", op: "min", order: "ascending" }, title: null },
          x: { field: "per_10k", type: "quantitative", title: "Mentions per 10,000 tokens", axis: { format: ",.0f" } },
          color: {
            field: "type",
            type: "nominal",
            scale: { domain: types, range: types.map(typeColour) },
            legend: { title: "Entity type", orient: "top" }
          }
        }
      }
    }
  }
}
