// Stage 2, clean: removes boilerplate by the rules of the boilerplate codebook, line by line, and
// logs every removed span with the rule that removed it. Kept lines are never edited, only trimmed
// at their ends, so the clean text is the raw text minus the logged spans and whitespace.
import { compilePattern, type BoilerplateCodebook, type BoilerplateRule, type capturables } from "../schemas/inputs/boilerplate.ts"

export interface RemovedSpan {
  readonly start: number
  readonly end: number
  readonly text: string
  readonly rule: string
}

export interface FoundMetadata {
  readonly value: string
  readonly rule: string
}

export interface CleanResult {
  /** The clean text. */
  readonly text: string
  /** Offsets into the input (the ingested raw text), in order, non-overlapping. */
  readonly removed: ReadonlyArray<RemovedSpan>
  /** What the text itself says, as written, with the rule that found it. */
  readonly found: { readonly title?: FoundMetadata; readonly author?: FoundMetadata }
}

/** One line of the raw text, located by offsets into it. */
interface Line {
  readonly start: number
  /** Where the line's text starts and ends once trimmed: a removed span covers exactly this. */
  readonly contentStart: number
  readonly contentEnd: number
  /** The trimmed line, which the patterns see; "" for a blank line. */
  readonly content: string
}

/** Which rule took a line, and whether it removed it or kept it (to record a title). */
interface Claim {
  readonly rule: string
  readonly removed: boolean
}

type Claims = Array<Claim | undefined>
type Capturable = (typeof capturables)[number]
type Found = Partial<Record<Capturable, FoundMetadata>>

interface CompiledRule {
  readonly rule: BoilerplateRule
  readonly pattern: RegExp
  readonly following: RegExp | undefined
}

const splitLines = (raw: string): ReadonlyArray<Line> => {
  const lines: Array<Line> = []
  let start = 0
  for (const text of raw.split("\n")) {
    const contentStart = start + text.length - text.trimStart().length
    const content = text.trim()
    lines.push({ start, contentStart, contentEnd: contentStart + content.length, content })
    start += text.length + 1
  }
  return lines
}

const isBlank = (line: Line): boolean => line.content === ""

// A decoded codebook is immutable, so its patterns are compiled once per codebook, not once per text.
const compiledRules = new WeakMap<BoilerplateCodebook, ReadonlyArray<CompiledRule>>()

const compileRules = (codebook: BoilerplateCodebook): ReadonlyArray<CompiledRule> => {
  const cached = compiledRules.get(codebook)
  if (cached !== undefined) return cached
  const rules = codebook.rules.map((rule) => ({
    rule,
    pattern: compilePattern(rule.pattern, rule.ignore_case),
    following: rule.following === undefined ? undefined : compilePattern(rule.following, rule.ignore_case)
  }))
  compiledRules.set(codebook, rules)
  return rules
}

/** Whether the nearest non-blank line above this one was removed by the given rule. */
const comesRightAfter = (index: number, ruleId: string, lines: ReadonlyArray<Line>, claims: Claims): boolean => {
  for (let above = index - 1; above >= 0; above--) {
    if (isBlank(lines[above]!)) continue
    const claim = claims[above]
    return claim?.removed === true && claim.rule === ruleId
  }
  return false
}

/** The lines a rule may match: free, within its position window, and after its `after` rule. */
const candidateLines = (rule: BoilerplateRule, lines: ReadonlyArray<Line>, claims: Claims): ReadonlyArray<number> => {
  // Windows count the lines still in the text: not blank, not removed by an earlier rule.
  const present = lines.flatMap((line, index) => (isBlank(line) || claims[index]?.removed === true ? [] : [index]))
  const window = rule.window ?? present.length
  const inWindow = rule.position === "start" ? present.slice(0, window) : rule.position === "end" ? present.slice(-window) : present
  return inWindow.filter(
    (index) => claims[index] === undefined && (rule.after === undefined || comesRightAfter(index, rule.after, lines, claims))
  )
}

/** The lines a match on line `index` takes, by the rule's scope. */
const linesTaken = ({ rule, following }: CompiledRule, index: number, lines: ReadonlyArray<Line>, claims: Claims): ReadonlyArray<number> => {
  switch (rule.scope ?? "line") {
    case "line":
      return [index]
    case "block-to-end":
      return [index, ...lines.flatMap((line, other) => (other > index && !isBlank(line) && claims[other] === undefined ? [other] : []))]
    case "following-lines": {
      // The block goes on through the next non-blank lines while each is free and matches `following`.
      const taken = [index]
      for (let next = index + 1; next < lines.length; next++) {
        const line = lines[next]!
        if (isBlank(line)) continue
        if (claims[next] !== undefined || following?.test(line.content) !== true) break
        taken.push(next)
      }
      return taken
    }
  }
}

const applyRule = (compiled: CompiledRule, lines: ReadonlyArray<Line>, claims: Claims, found: Found): void => {
  const { rule, pattern } = compiled
  for (const index of candidateLines(rule, lines, claims)) {
    // A block taken earlier in this same loop may already hold this line.
    if (claims[index] !== undefined) continue
    const match = pattern.exec(lines[index]!.content)
    if (match === null) continue
    for (const taken of linesTaken(compiled, index, lines, claims)) claims[taken] = { rule: rule.id, removed: rule.action !== "keep" }
    const captured = rule.captures === undefined ? undefined : match.groups?.[rule.captures]?.trim()
    if (rule.captures !== undefined && captured !== undefined && captured !== "" && found[rule.captures] === undefined)
      found[rule.captures] = { value: captured, rule: rule.id }
  }
}

/** One span per run of lines removed by the same rule; blank lines inside a run belong to it. */
const removedSpans = (raw: string, lines: ReadonlyArray<Line>, claims: Claims): ReadonlyArray<RemovedSpan> => {
  const runs: Array<{ start: number; end: number; rule: string }> = []
  let open: { start: number; end: number; rule: string } | undefined
  lines.forEach((line, index) => {
    if (isBlank(line)) return
    const claim = claims[index]
    if (claim?.removed !== true) open = undefined
    else if (open?.rule === claim.rule) open.end = line.contentEnd
    else runs.push((open = { start: line.contentStart, end: line.contentEnd, rule: claim.rule }))
  })
  return runs.map(({ start, end, rule }) => ({ start, end, text: raw.slice(start, end), rule }))
}

/**
 * The kept lines, each as written up to its last non-space character. Two kept lines are parted by a
 * blank line when the raw text has one anywhere between them, else by a single newline: removing
 * lines neither merges paragraphs nor invents new ones.
 */
const keptText = (raw: string, lines: ReadonlyArray<Line>, claims: Claims): string => {
  let text = ""
  let blankSinceLastKept = false
  lines.forEach((line, index) => {
    if (isBlank(line)) blankSinceLastKept = true
    else if (claims[index]?.removed !== true) {
      const written = raw.slice(line.start, line.contentEnd)
      text += text === "" ? written.trimStart() : `${blankSinceLastKept ? "\n\n" : "\n"}${written}`
      blankSinceLastKept = false
    }
  })
  return text
}

export const clean = (raw: string, codebook: BoilerplateCodebook): CleanResult => {
  const lines = splitLines(raw)
  const claims: Claims = lines.map(() => undefined)
  const found: Found = {}
  for (const compiled of compileRules(codebook)) applyRule(compiled, lines, claims, found)
  return {
    text: keptText(raw, lines, claims),
    removed: removedSpans(raw, lines, claims),
    found: {
      ...(found.title === undefined ? {} : { title: found.title }),
      ...(found.author === undefined ? {} : { author: found.author })
    }
  }
}
