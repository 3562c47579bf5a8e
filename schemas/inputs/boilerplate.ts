// raw/codebooks/boilerplate.yaml: the researcher-editable rules of the clean stage. The file's own
// comments explain each field to researchers; this schema is what it is checked against.
import { type Effect, Schema } from "effect"
import type { InputError } from "../../pipeline/errors.ts"
import { SemVer } from "./dataset.ts"
import { decodeYamlCodebook, entryFirst, firstFound, type Path, type Problem } from "./yaml.ts"

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

const fieldHelp = {
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
} satisfies Readonly<Record<string, string>>

/** "rule photo-caption, field pattern, line 42: is not a valid regular expression". */
const messages = entryFirst({
  entries: { key: "rules", label: "rule" },
  fieldHelp,
  generalHelp: "Correct it as the comments at the top of the bundled codebook describe.",
  wholeFileHelp: "Start from the bundled raw/codebooks/boilerplate.yaml: version, description and rules at the top level."
})

const compileProblem = (path: Path, pattern: string, ignoreCase: boolean | undefined): Problem | undefined => {
  try {
    compilePattern(pattern, ignoreCase)
    return undefined
  } catch (error) {
    return { path, problem: `is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`, fix: fieldHelp.pattern }
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
    return { path: at("following"), problem: "is missing, and scope following-lines needs it", fix: `${fieldHelp.following} Or use scope: line.` }
  if (scope !== "following-lines" && rule.following !== undefined)
    return { path: at("following"), problem: "only applies with scope: following-lines", fix: "Set scope: following-lines, or delete following." }
  if (position !== "anywhere" && rule.window === undefined)
    return { path: at("window"), problem: `is missing, and position: ${position} needs it`, fix: "Add window: N, the number of lines to look at." }
  if (position === "anywhere" && rule.window !== undefined)
    return { path: at("window"), problem: "only applies with position: start or position: end", fix: "Add a position, or delete window." }
  if (rule.after !== undefined && !earlierIds.includes(rule.after))
    return { path: at("after"), problem: `names "${rule.after}", which is not a rule above this one`, fix: fieldHelp.after }
  if (rule.captures !== undefined && !rule.pattern.includes(`(?<${rule.captures}>`))
    return {
      path: at("pattern"),
      problem: `has no part named (?<${rule.captures}>...), which captures: ${rule.captures} needs`,
      fix: `Wrap the part to record in (?<${rule.captures}>...), or delete captures.`
    }
  if (rule.action === "keep" && rule.captures === undefined)
    return { path: at("captures"), problem: "is missing, and action: keep needs it (a kept line is only there to record something)", fix: fieldHelp.captures }
  if (rule.action === "keep" && scope !== "line")
    return { path: at("scope"), problem: "must be line when action is keep", fix: "Use scope: line, or action: remove." }
  return undefined
}

const codebookProblem = (codebook: BoilerplateCodebook): Problem | undefined =>
  firstFound(codebook.rules, (rule, index) => ruleProblem(rule, index, codebook.rules.slice(0, index).map((earlier) => earlier.id)))

export const decodeBoilerplate = (yamlText: string, file: string): Effect.Effect<BoilerplateCodebook, InputError> =>
  decodeYamlCodebook({
    yamlText,
    file,
    schema: BoilerplateCodebook,
    messages,
    syntaxFix: "Fix the YAML at that line: indentation, a missing colon, or a pattern not wrapped in single quotes.",
    check: codebookProblem
  })
