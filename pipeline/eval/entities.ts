// Entity mentions against an external gold standard (e.g. ../shared/eval/gum-news): how many of
// the gold's named mentions our mentions reach, and how many of our name mentions the gold knows.
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import type { InputError } from "../errors.ts"
import { decodeGazetteer } from "../../schemas/inputs/gazetteer.ts"
import { analyse } from "../nlp.ts"
import { compileGazetteer, findMentions, type CompiledGazetteer, type EntityType, type Mention, type MentionMethod } from "../entities.ts"
import { loadGold, type GoldArticle, type GoldEntity, type Span } from "./sentences.ts"

export interface EntityScore {
  /** matched / goldNamed. */
  readonly recall: number
  /** Gold mentions with `named: true` (they contain a proper noun). */
  readonly goldNamed: number
  /** Named gold mentions that some predicted mention overlaps, whatever its method. */
  readonly matched: number
  /** The same recall counting only gazetteer and fallback mentions (no wink built-ins). */
  readonly recallNamesOnly: number
  /** nameMatched / predicted. */
  readonly precision: number
  /** Predicted mentions of a name type: PERSON, ORG, GPE, MEDIA, EVENT or UNKNOWN. */
  readonly predicted: number
  /** Of those, the ones that overlap a gold entity mention, named or not. */
  readonly nameMatched: number
  /** Predicted name mentions by method (the built-ins are never name mentions). */
  readonly predictedByMethod: Readonly<Record<NameMethod, number>>
  /** Of the matched named gold mentions with a GUM type we can map, the share whose overlapping mention has that type. */
  readonly typeAgreement: number
  readonly typeCompared: number
  readonly articles: number
}

type NameMethod = Exclude<MentionMethod, "builtin">

const nameTypes: ReadonlySet<EntityType> = new Set<EntityType>(["PERSON", "ORG", "GPE", "MEDIA", "EVENT", "UNKNOWN"])

/** GUM's types that have a counterpart among ours. */
const expectedTypes: Readonly<Record<string, ReadonlyArray<EntityType>>> = {
  person: ["PERSON"],
  place: ["GPE"],
  organization: ["ORG", "MEDIA"],
  event: ["EVENT"]
}

const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end

const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole)

export const bundledGazetteerPath = fileURLToPath(new URL("../../raw/codebooks/gazetteer.yaml", import.meta.url))

export const loadBundledGazetteer: Effect.Effect<CompiledGazetteer, InputError> = Effect.suspend(() =>
  decodeGazetteer(readFileSync(bundledGazetteerPath, "utf8"), "codebooks/gazetteer.yaml")
).pipe(Effect.map(compileGazetteer))

interface Tally {
  goldNamed: number
  matched: number
  matchedByNames: number
  predicted: number
  nameMatched: number
  typeCompared: number
  typeAgreed: number
  readonly predictedByMethod: Record<NameMethod, number>
}

const tallyArticle = (tally: Tally, gold: ReadonlyArray<GoldEntity>, mentions: ReadonlyArray<Mention>): void => {
  const names = mentions.filter((mention) => nameTypes.has(mention.type))
  for (const entity of gold.filter((entity) => entity.named)) {
    tally.goldNamed++
    const hit = mentions.find((mention) => overlaps(mention, entity))
    if (hit !== undefined) tally.matched++
    if (names.some((mention) => overlaps(mention, entity))) tally.matchedByNames++
    const expected = expectedTypes[entity.type]
    if (hit !== undefined && expected !== undefined) {
      tally.typeCompared++
      if (expected.includes(hit.type)) tally.typeAgreed++
    }
  }
  for (const mention of names) {
    tally.predicted++
    if (mention.method !== "builtin") tally.predictedByMethod[mention.method]++
    if (gold.some((entity) => overlaps(mention, entity))) tally.nameMatched++
  }
}

/**
 * Runs analyse + findMentions on each raw article text and scores span overlap:
 * - recall: share of gold mentions with `named: true` overlapped by at least one predicted mention
 *   of any method (a built-in DATE over "2018 FIFA World Cup" counts too; recallNamesOnly does not);
 * - precision: share of predicted name mentions (PERSON, ORG, GPE, MEDIA, EVENT, UNKNOWN; not the
 *   built-ins) that overlap any gold entity mention, named or not. GUM only marks mentions of
 *   entities that have a Wikipedia page, so a correct mention of anything without one counts as
 *   wrong: this precision is a lower bound.
 */
export const scoreEntityArticles = (articles: ReadonlyArray<GoldArticle>, gazetteer: CompiledGazetteer): EntityScore => {
  const tally: Tally = {
    goldNamed: 0, matched: 0, matchedByNames: 0, predicted: 0, nameMatched: 0, typeCompared: 0, typeAgreed: 0,
    predictedByMethod: { gazetteer: 0, fallback: 0 }
  }
  for (const article of articles) tallyArticle(tally, article.entities, findMentions(article.text, analyse(article.text), gazetteer))
  return {
    recall: ratio(tally.matched, tally.goldNamed),
    goldNamed: tally.goldNamed,
    matched: tally.matched,
    recallNamesOnly: ratio(tally.matchedByNames, tally.goldNamed),
    precision: ratio(tally.nameMatched, tally.predicted),
    predicted: tally.predicted,
    nameMatched: tally.nameMatched,
    predictedByMethod: tally.predictedByMethod,
    typeAgreement: ratio(tally.typeAgreed, tally.typeCompared),
    typeCompared: tally.typeCompared,
    articles: articles.length
  }
}

/** The gold folder scored with the given gazetteer, or the bundled one. */
export const scoreEntities = (goldDir: string, gazetteer?: CompiledGazetteer): Effect.Effect<EntityScore, InputError> =>
  Effect.gen(function*() {
    const compiled = gazetteer ?? (yield* loadBundledGazetteer)
    return scoreEntityArticles(yield* loadGold(goldDir), compiled)
  })

const fraction = (value: number): string => value.toFixed(4)

/** The score as labelled rows, for the eval report. */
export const entityScoreRows = (score: EntityScore): ReadonlyArray<readonly [label: string, value: string]> => [
  ["recall (named gold mentions overlapped, any method)", fraction(score.recall)],
  ["recall (gazetteer and fallback only)", fraction(score.recallNamesOnly)],
  ["precision (name mentions overlapping a gold mention)", fraction(score.precision)],
  ["type agreement (matched person/place/organization/event)", fraction(score.typeAgreement)],
  ["named gold mentions", String(score.goldNamed)],
  ["matched", String(score.matched)],
  ["predicted name mentions", String(score.predicted)],
  ["  by gazetteer", String(score.predictedByMethod.gazetteer)],
  ["  by fallback", String(score.predictedByMethod.fallback)]
]
