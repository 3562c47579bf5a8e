// Evaluation against an external gold standard (a folder holding gold.jsonl and one text per
// article, e.g. ../shared/eval/gum-news): loading the gold, shared with the entity evaluation,
// and scoring a segmenter's sentence boundaries.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect, Result, Schema } from "effect"
import { InputError } from "../errors.ts"

const Offset = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))

const GoldEntityRecord = Schema.Struct({
  start: Offset,
  end: Offset,
  text: Schema.String,
  /** The gold corpus's entity type (GUM: person, place, organization, event, abstract, …). */
  type: Schema.String,
  /** The Wikipedia title the mention refers to. */
  identity: Schema.String,
  /** True when the mention contains a proper noun. */
  named: Schema.Boolean
})

/** One line of gold.jsonl. */
const GoldLine = Schema.Struct({
  id: Schema.String,
  file: Schema.String,
  meta: Schema.Record(Schema.String, Schema.Unknown),
  sentences: Schema.Array(Schema.Tuple([Offset, Offset])),
  entities: Schema.Array(GoldEntityRecord)
})

export type GoldEntity = typeof GoldEntityRecord.Type

/** A [start, end) range of UTF-16 code units. */
export interface Span {
  readonly start: number
  readonly end: number
}

export interface GoldArticle {
  readonly id: string
  readonly file: string
  readonly meta: Readonly<Record<string, unknown>>
  /** The article text; every offset below points into it. */
  readonly text: string
  readonly sentences: ReadonlyArray<Span>
  readonly entities: ReadonlyArray<GoldEntity>
}

export const goldFileName = "gold.jsonl"

const goldFix = "Point --gold at a folder holding gold.jsonl and the article texts it names (such as ../shared/eval/gum-news)"

const readText = (path: string): Effect.Effect<string, InputError> =>
  Effect.try({
    try: () => readFileSync(path, "utf8"),
    catch: (error) =>
      new InputError({ file: path, problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, fix: goldFix })
  })

const oneLine = (message: string): string => message.replace(/\s+/g, " ").trim()

const decodeLine = (file: string, lineNumber: number, line: string): Effect.Effect<typeof GoldLine.Type, InputError> => {
  const location = `line ${lineNumber}`
  const fix = "Each line must be one JSON object {id, file, meta, sentences: [[start, end], …], entities: [{start, end, text, type, identity, named}, …]}"
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch (error) {
    return Effect.fail(new InputError({ file, location, problem: `not valid JSON (${oneLine(String(error))})`, fix }))
  }
  const decoded = Schema.decodeUnknownResult(GoldLine)(json)
  return Result.isSuccess(decoded)
    ? Effect.succeed(decoded.success)
    : Effect.fail(new InputError({ file, location, problem: oneLine(decoded.failure.message), fix }))
}

const findBadSpan = (spans: ReadonlyArray<Span>, length: number): number =>
  spans.findIndex((span) => span.start > span.end || span.end > length)

const toArticle = (goldPath: string, lineNumber: number, line: typeof GoldLine.Type, text: string): Effect.Effect<GoldArticle, InputError> => {
  const sentences = line.sentences.map(([start, end]) => ({ start, end }))
  const badSentence = findBadSpan(sentences, text.length)
  const badEntity = findBadSpan(line.entities, text.length)
  const bad = badSentence >= 0 ? `sentence ${badSentence}` : badEntity >= 0 ? `entity ${badEntity}` : undefined
  if (bad !== undefined) {
    return Effect.fail(new InputError({
      file: goldPath,
      location: `line ${lineNumber}, ${bad}`,
      problem: `offsets are reversed or run past the end of ${line.file} (${text.length} characters)`,
      fix: "Offsets must be [start, end) UTF-16 code units into the article text, with start <= end"
    }))
  }
  return Effect.succeed({ id: line.id, file: line.file, meta: line.meta, text, sentences, entities: line.entities })
}

/** Reads and validates a gold folder; fails with an InputError naming the file and line at fault. */
export const loadGold = (dir: string): Effect.Effect<ReadonlyArray<GoldArticle>, InputError> =>
  Effect.gen(function*() {
    const goldPath = join(dir, goldFileName)
    const lines = (yield* readText(goldPath)).split(/\r?\n/)
    const articles: Array<GoldArticle> = []
    for (const [index, line] of lines.entries()) {
      if (line.trim() === "") continue
      const record = yield* decodeLine(goldPath, index + 1, line)
      const text = yield* readText(join(dir, record.file))
      articles.push(yield* toArticle(goldPath, index + 1, record, text))
    }
    if (articles.length === 0) {
      return yield* Effect.fail(new InputError({ file: goldPath, problem: "holds no articles", fix: goldFix }))
    }
    return articles
  })

export interface BoundaryScore {
  readonly precision: number
  readonly recall: number
  readonly f1: number
  readonly goldCount: number
  readonly predictedCount: number
  readonly matchedCount: number
}

/**
 * Sentence boundaries of a document: the set of sentence END offsets, each taken after
 * trimming trailing whitespace from its sentence (so "went well. " and "went well." end at
 * the same boundary, and an empty or all-whitespace span has none). The end of the last
 * sentence counts too, as in the published baseline figures (wink 0.965, ICU 0.971 on GUM news).
 */
export const sentenceBoundaries = (text: string, sentences: ReadonlyArray<Span>): ReadonlySet<number> => {
  const ends = new Set<number>()
  for (const { start, end } of sentences) {
    let trimmedEnd = end
    while (trimmedEnd > start && /\s/.test(text[trimmedEnd - 1] ?? "")) trimmedEnd--
    if (trimmedEnd > start) ends.add(trimmedEnd)
  }
  return ends
}

const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole)

/**
 * Boundary precision, recall and F1 of `predict` against the gold sentences, micro-averaged:
 * precision = matched predicted boundaries / predicted boundaries and recall = matched gold
 * boundaries / gold boundaries, both summed over all articles; F1 is their harmonic mean.
 * A boundary matches when gold and prediction share the same end offset (see sentenceBoundaries).
 */
export const scoreSentences = (
  gold: ReadonlyArray<GoldArticle>,
  predict: (text: string) => ReadonlyArray<Span>
): BoundaryScore => {
  let goldCount = 0
  let predictedCount = 0
  let matchedCount = 0
  for (const article of gold) {
    const goldEnds = sentenceBoundaries(article.text, article.sentences)
    const predictedEnds = sentenceBoundaries(article.text, predict(article.text))
    goldCount += goldEnds.size
    predictedCount += predictedEnds.size
    for (const end of predictedEnds) if (goldEnds.has(end)) matchedCount++
  }
  const precision = ratio(matchedCount, predictedCount)
  const recall = ratio(matchedCount, goldCount)
  const f1 = ratio(2 * precision * recall, precision + recall)
  return { precision, recall, f1, goldCount, predictedCount, matchedCount }
}
