// raw/codebooks/boilerplate.yaml: the researcher-editable rules of the clean stage. The file's own
// comments explain each field to researchers; this schema is what it is checked against.
import { Effect, Result, Schema } from "effect"
import { LineCounter, parseDocument, type Document } from "yaml"
import { InputError } from "../../pipeline/errors.ts"
import { SemVer } from "./dataset.ts"
import { fieldProblems } from "./issues.ts"

export const scopes = ["line", "following-lines", "block-to-end"] as const
export const positions = ["anywhere", "start", "end"] as const
export const actions = ["remove", "keep"] as const
/** What a rule may record about the document (CleanResult.found). */
export const capturables = ["title", "author"] as const

const RuleId = Schema.String.check(
  Schema.isPattern(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: "must be lower-case letters and digits joined by hyphens, such as photo-caption" })
)

export const BoilerplateRule = Schema.Struct({
  id: RuleId,
  description: Schema.NonEmptyString,
  /** Matched against a whole trimmed line (see compilePattern). */
  pattern: Schema.NonEmptyString,
  ignore_case: Schema.optionalKey(Schema.Boolean),
  scope: Schema.optionalKey(Schema.Literals(scopes)),
  /** With scope following-lines: the pattern of the lines that continue the block. */
  following: Schema.optionalKey(Schema.NonEmptyString),
  position: Schema.optionalKey(Schema.Literals(positions)),
  /** With position start or end: how many non-blank, not yet removed lines are looked at. */
  window: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
  /** The id of an earlier rule: the line must be the first non-blank line after one it removed. */
  after: Schema.optionalKey(RuleId),
  action: Schema.optionalKey(Schema.Literals(actions)),
  captures: Schema.optionalKey(Schema.Literals(capturables))
})
export type BoilerplateRule = typeof BoilerplateRule.Type

export const BoilerplateCodebook = Schema.Struct({
  version: SemVer,
  description: Schema.NonEmptyString,
  rules: Schema.NonEmptyArray(BoilerplateRule)
})
export type BoilerplateCodebook = typeof BoilerplateCodebook.Type

/**
 * How every pattern is compiled, by the decoder and by the clean stage alike: Unicode-aware and
 * anchored to the whole trimmed line. The pattern is compiled on its own first, so that a stray
 * ")" cannot be "repaired" by the anchoring group around it. Throws SyntaxError.
 */
export const compilePattern = (pattern: string, ignoreCase = false): RegExp => {
  const flags = ignoreCase ? "iu" : "u"
  new RegExp(pattern, flags)
  return new RegExp(`^(?:${pattern})$`, flags)
}

// ---------------------------------------------------------------- what is wrong, and its fix

interface Problem {
  /** Path into the YAML document: ["rules", 3, "pattern"]. */
  readonly path: ReadonlyArray<string | number>
  readonly problem: string
  readonly fix: string
}

const fieldFixes: Record<string, string> = {
  version: "Write the codebook version as a semantic version such as 1.0.0, and raise it whenever a rule changes.",
  description: "Say in a sentence what is removed and why.",
  rules: "List the rules under rules:, each one starting with '- id:'.",
  id: "Give the rule an id of lower-case words joined by hyphens, such as photo-caption.",
  pattern: "Write a JavaScript regular expression between single quotes (an apostrophe inside is written '').",
  ignore_case: "Write true or false.",
  scope: `Use one of: ${scopes.join(", ")}.`,
  following: "Write a regular expression for the lines that continue the block, such as '- .*'.",
  position: `Use one of: ${positions.join(", ")}.`,
  window: "Write a whole number of lines, 1 or more.",
  after: "Write the id of a rule higher up in the file.",
  action: `Use one of: ${actions.join(", ")}.`,
  captures: `Use one of: ${capturables.join(", ")}.`
}

const fixFor = (field: string | number | undefined): string =>
  fieldFixes[String(field)] ?? "Correct it as the comments at the top of the bundled codebook describe."

const compileProblem = (path: ReadonlyArray<string | number>, pattern: string, ignoreCase: boolean | undefined): Problem | undefined => {
  try {
    compilePattern(pattern, ignoreCase)
    return undefined
  } catch (error) {
    return { path, problem: `is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`, fix: fixFor("pattern") }
  }
}

/** The first thing wrong with one rule that the schema cannot see: broken regexes and fields that do not go together. */
const ruleProblem = (rule: BoilerplateRule, index: number, earlierIds: ReadonlyArray<string>): Problem | undefined => {
  const at = (field: string) => ["rules", index, field]
  const scope = rule.scope ?? "line"
  const position = rule.position ?? "anywhere"
  if (earlierIds.includes(rule.id))
    return { path: at("id"), problem: `repeats the id "${rule.id}" of an earlier rule`, fix: "Give each rule its own id: the cleaning_log tells rules apart by it." }
  const patternProblem = compileProblem(at("pattern"), rule.pattern, rule.ignore_case)
  if (patternProblem !== undefined) return patternProblem
  if (rule.following !== undefined) {
    const followingProblem = compileProblem(at("following"), rule.following, rule.ignore_case)
    if (followingProblem !== undefined) return followingProblem
  }
  if (scope === "following-lines" && rule.following === undefined)
    return { path: at("following"), problem: "is missing, and scope following-lines needs it", fix: `${fixFor("following")} Or use scope: line.` }
  if (scope !== "following-lines" && rule.following !== undefined)
    return { path: at("following"), problem: "only applies with scope: following-lines", fix: "Set scope: following-lines, or delete following." }
  if (position !== "anywhere" && rule.window === undefined)
    return { path: at("window"), problem: `is missing, and position: ${position} needs it`, fix: "Add window: N, the number of lines to look at." }
  if (position === "anywhere" && rule.window !== undefined)
    return { path: at("window"), problem: "only applies with position: start or position: end", fix: "Add a position, or delete window." }
  if (rule.after !== undefined && !earlierIds.includes(rule.after))
    return { path: at("after"), problem: `names "${rule.after}", which is not a rule above this one`, fix: fixFor("after") }
  if (rule.captures !== undefined && !rule.pattern.includes(`(?<${rule.captures}>`))
    return {
      path: at("pattern"),
      problem: `has no part named (?<${rule.captures}>...), which captures: ${rule.captures} needs`,
      fix: `Wrap the part to record in (?<${rule.captures}>...), or delete captures.`
    }
  if (rule.action === "keep" && rule.captures === undefined)
    return { path: at("captures"), problem: "is missing, and action: keep needs it (a kept line is only there to record something)", fix: fixFor("captures") }
  if (rule.action === "keep" && scope !== "line")
    return { path: at("scope"), problem: "must be line when action is keep", fix: "Use scope: line, or action: remove." }
  return undefined
}

const codebookProblem = (codebook: BoilerplateCodebook): Problem | undefined => {
  for (const [index, rule] of codebook.rules.entries()) {
    const problem = ruleProblem(rule, index, codebook.rules.slice(0, index).map((earlier) => earlier.id))
    if (problem !== undefined) return problem
  }
  return undefined
}

/** Turns the first schema failure into a Problem, quoting the value that was given. */
const schemaProblem = (error: Schema.SchemaError, data: unknown): Problem => {
  const first = fieldProblems(error)[0]
  const path = (first?.field ?? "").split(".").filter((key) => key !== "").map((key) => (/^\d+$/.test(key) ? Number(key) : key))
  const field = path.at(-1)
  const message = first?.message ?? error.message
  if (path.length === 0)
    return { path, problem: "does not hold a codebook", fix: "Start from the bundled raw/codebooks/boilerplate.yaml: version, description and rules at the top level." }
  if (message === "Missing key") return { path, problem: "is missing", fix: fixFor(field) }
  if (message === "Expected no excess property")
    return { path, problem: "is not a field this codebook knows", fix: "Correct its spelling or remove it; the fields are listed at the top of the bundled codebook." }
  const given = valueAt(data, path)
  return { path, problem: `is ${given === undefined ? "empty" : shown(given)}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`, fix: fixFor(field) }
}

const valueAt = (data: unknown, path: ReadonlyArray<string | number>): unknown =>
  path.reduce<unknown>((node, key) => (typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[key] : undefined), data)

const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

// ---------------------------------------------------------------- decoding

/** "rule photo-caption, field pattern, line 42": the entry by its id when it has a usable one, else by its number. */
const locate = (path: ReadonlyArray<string | number>, data: unknown, lineOf: (path: ReadonlyArray<string | number>) => number | undefined): string => {
  const [top, index, field] = path
  const id = valueAt(data, ["rules", index ?? -1, "id"])
  const entry = top === "rules" && typeof index === "number" ? `rule ${typeof id === "string" && id !== "" ? id : `#${index + 1}`}` : undefined
  const fieldName = top === "rules" ? field : top
  const line = lineOf(path)
  return [entry, fieldName === undefined ? undefined : `field ${fieldName}`, line === undefined ? undefined : `line ${line}`]
    .filter((part) => part !== undefined)
    .join(", ")
}

/** The line of the deepest node of the YAML document that the path reaches (a missing field points at its rule). */
const lineFinder = (document: Document, lines: LineCounter) => (path: ReadonlyArray<string | number>): number | undefined => {
  for (let depth = path.length; depth > 0; depth--) {
    const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined
    if (node?.range !== undefined) return lines.linePos(node.range[0]).line
  }
  return undefined
}

export const decodeBoilerplate = (yamlText: string, file: string): Effect.Effect<BoilerplateCodebook, InputError> =>
  Effect.suspend(() => Effect.fromResult(decodeBoilerplateResult(yamlText, file)))

const decodeBoilerplateResult = (yamlText: string, file: string): Result.Result<BoilerplateCodebook, InputError> => {
  const lines = new LineCounter()
  const document = parseDocument(yamlText, { lineCounter: lines, prettyErrors: true })
  const syntaxError = document.errors[0]
  if (syntaxError !== undefined) {
    const line = syntaxError.linePos?.[0].line
    return Result.fail(
      new InputError({
        file,
        ...(line === undefined ? {} : { location: `line ${line}` }),
        problem: `is not valid YAML (${syntaxError.message.split("\n")[0]?.replace(/:$/, "")})`,
        fix: "Fix the YAML at that line: indentation, a missing colon, or a pattern not wrapped in single quotes."
      })
    )
  }
  const data: unknown = document.toJS()
  const fail = (found: Problem) => {
    const location = locate(found.path, data, lineFinder(document, lines))
    return Result.fail(new InputError({ file, ...(location === "" ? {} : { location }), problem: found.problem, fix: found.fix }))
  }
  const decoded = Schema.decodeUnknownResult(BoilerplateCodebook)(data, { onExcessProperty: "error", errors: "first" })
  if (Result.isFailure(decoded)) return fail(schemaProblem(decoded.failure, data))
  const problem = codebookProblem(decoded.success)
  return problem === undefined ? Result.succeed(decoded.success) : fail(problem)
}
