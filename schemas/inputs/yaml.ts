// Reading a researcher-editable YAML file (a codebook, the dataset card) into a typed value: parsed
// keeping line positions, decoded through a schema, then checked across entries. The first problem
// becomes one InputError that names the file, the line, the entry (by its id, else its number) and
// the field, says what is wrong and how to fix it. Each codebook brings its schema, its checks and its
// words; this module does the rest.
import { Effect, Result, Schema, SchemaIssue } from "effect"
import { LineCounter, parseDocument } from "yaml"
import { InputError } from "../../pipeline/errors.ts"

/** A path into the YAML document: ["rules", 3, "pattern"]. */
export type Path = ReadonlyArray<string | number>

/** What is wrong at a path, and its fix: what a codebook's cross-entry checks report. */
export interface Problem {
  readonly path: Path
  readonly problem: string
  readonly fix: string
}

/** The parsed file. */
export interface YamlInput {
  readonly data: unknown
  /** 1-based line of the node at `path`, or of its nearest ancestor in the file (a missing field points at its entry). */
  readonly lineAt: (path: Path) => number | undefined
}

/** Where the YAML parser gave up, and why (its message without the position). */
export interface YamlSyntaxError {
  readonly line: number
  readonly column: number
  readonly message: string
}

/** The first thing the schema refused: where, the schema's message, and the value found there. */
export interface SchemaIssueAt {
  readonly path: Path
  readonly message: string
  readonly value: unknown
}

/** How a file's problems are put into words. `entryFirst` and `lineFirst` make these for codebooks. */
export interface Messages {
  /** Said of a syntax error; by default `line 4` and the parser's message with its line and column. */
  readonly syntax?: (error: YamlSyntaxError) => { readonly location: string; readonly problem: string }
  /** Where a path points, for people; undefined leaves the location out. */
  readonly locate: (path: Path, input: YamlInput) => string | undefined
  readonly schemaProblem: (issue: SchemaIssueAt) => { readonly problem: string; readonly fix: string }
}

export interface YamlCodebook<A> {
  readonly yamlText: string
  /** The file as the researcher would name it. */
  readonly file: string
  readonly schema: Schema.Decoder<A>
  readonly messages: Messages
  /** What to look for at the line of a syntax error. */
  readonly syntaxFix?: string
  /** A field the schema does not declare is an error (the default), or is dropped. */
  readonly unknownFields?: "error" | "ignore"
  /** Applied to the decoded value before `check`: lower-casing terms, say. */
  readonly normalise?: (decoded: A) => A
  /** The first problem a schema cannot see: an id used twice, a variant claimed twice, a broken regex. */
  readonly check?: (decoded: A) => Problem | undefined
}

/** Reads a YAML file through its schema and checks; the first problem stops with one InputError. */
export const decodeYamlCodebook = <A>(codebook: YamlCodebook<A>): Effect.Effect<A, InputError> =>
  Effect.suspend(() => Effect.fromResult(decodeResult(codebook)))

const decodeResult = <A>(codebook: YamlCodebook<A>): Result.Result<A, InputError> => {
  const { file, messages } = codebook
  const parsed = parseYaml(codebook.yamlText)
  if (Result.isFailure(parsed)) {
    const { location, problem } = (messages.syntax ?? syntaxAtLine)(parsed.failure)
    return Result.fail(new InputError({ file, location, problem, fix: codebook.syntaxFix ?? defaultSyntaxFix }))
  }
  const input = parsed.success
  const report = ({ path, problem, fix }: Problem) => {
    const location = messages.locate(path, input)
    return Result.fail(new InputError({ file, ...(location === undefined ? {} : { location }), problem, fix }))
  }
  const options = { onExcessProperty: codebook.unknownFields ?? "error", errors: "first" } as const
  const decoded = Schema.decodeUnknownResult(codebook.schema)(input.data, options)
  if (Result.isFailure(decoded)) {
    const issue = firstIssue(decoded.failure, input.data)
    return report({ path: issue.path, ...messages.schemaProblem(issue) })
  }
  const value = codebook.normalise === undefined ? decoded.success : codebook.normalise(decoded.success)
  const problem = codebook.check?.(value)
  return problem === undefined ? Result.succeed(value) : report(problem)
}

const defaultSyntaxFix = "Check the indentation and quoting at that line: list items start with '- ', a value containing ': ' or '#' must be quoted"

const parseYaml = (text: string): Result.Result<YamlInput, YamlSyntaxError> => {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false })
  const error = document.errors[0]
  if (error !== undefined) {
    const { line, col } = lineCounter.linePos(error.pos[0])
    return Result.fail({ line, column: col, message: error.message.split("\n")[0] ?? "" })
  }
  const lineAt = (path: Path): number | undefined => {
    for (let length = path.length; length >= 0; length--) {
      const node: unknown = document.getIn(path.slice(0, length), true)
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range
      if (range !== undefined) return lineCounter.linePos(range[0]).line
    }
    return undefined
  }
  return Result.succeed({ data: document.toJS() as unknown, lineAt })
}

const syntaxAtLine = ({ line, column, message }: YamlSyntaxError) => ({
  location: `line ${line}`,
  problem: `is not valid YAML (${message} at line ${line}, column ${column})`
})

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

const firstIssue = (error: Schema.SchemaError, data: unknown): SchemaIssueAt => {
  const issue = formatIssues(error.issue).issues[0]
  const path: Path = (issue?.path ?? []).map((segment) => {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment
    return typeof key === "number" ? key : String(key)
  })
  return { path, message: issue?.message ?? error.message, value: valueAt(data, path) }
}

const valueAt = (data: unknown, path: Path): unknown =>
  path.reduce<unknown>((node, key) => (typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[key] : undefined), data)

// ---------------------------------------------------------------- a codebook's words

/** The top-level list of a codebook's entries and the word for one: { key: "rules", label: "rule" }. */
export interface EntryList {
  readonly key: string
  readonly label: string
}

export interface CodebookWords {
  readonly entries: EntryList
  /** Per field name, how a correct value looks. */
  readonly fieldHelp: Readonly<Record<string, string>>
  /** Said when no field's help applies. */
  readonly generalHelp: string
  /** Said when the file holds no codebook at all (else the general help). */
  readonly wholeFileHelp?: string
  /** What the file is called in messages: "codebook" unless said, "gazetteer". */
  readonly name?: string
}

const unknownField = "Expected no excess property"

/** What a location names: the line, the entry the path falls in (by its id when it has a usable one), the field in it. */
const placeOf = (path: Path, input: YamlInput, { key }: EntryList) => {
  const line = input.lineAt(path)
  const [list, index] = path
  if (list !== key || typeof index !== "number") return { line, entry: undefined, field: path }
  const id = valueAt(input.data, [key, index, "id"])
  return { line, entry: { index, id: typeof id === "string" && id !== "" ? id : undefined }, field: path.slice(2) }
}

const joined = (parts: ReadonlyArray<string | undefined>): string => parts.filter((part) => part !== undefined).join(", ")

/** The help for the innermost named field of the path. */
const helpFor = (words: CodebookWords, path: Path, message: string, unknownFieldHelp: string): string => {
  if (path.length === 0) return words.wholeFileHelp ?? words.generalHelp
  if (message === unknownField) return unknownFieldHelp
  const field = path.findLast((key): key is string => typeof key === "string")
  return field !== undefined && Object.hasOwn(words.fieldHelp, field) ? words.fieldHelp[field] ?? words.generalHelp : words.generalHelp
}

const lowerFirst = (text: string): string => `${text.charAt(0).toLowerCase()}${text.slice(1)}`

const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/**
 * Messages that name the place first and then say what is wrong with it, as a predicate:
 * `rule photo-caption, field pattern, line 42` and `is "(": not a valid regular expression`.
 * Fields inside an entry are numbered from 1: `field variants.2.case`.
 */
export const entryFirst = (words: CodebookWords): Messages => {
  const name = words.name ?? "codebook"
  return {
    locate: (path, input) => {
      const { line, entry, field } = placeOf(path, input, words.entries)
      const location = joined([
        entry === undefined ? undefined : `${words.entries.label} ${entry.id ?? `#${entry.index + 1}`}`,
        field.length === 0 ? undefined : `field ${field.map((key) => (typeof key === "number" ? key + 1 : key)).join(".")}`,
        line === undefined ? undefined : `line ${line}`
      ])
      return location === "" ? undefined : location
    },
    schemaProblem: ({ path, message, value }) => ({
      problem:
        path.length === 0 ? `does not hold a ${name}`
        : message === "Missing key" ? "is missing"
        : message === unknownField ? `is not a field this ${name} knows`
        : `is ${value === undefined ? "empty" : shown(value)}: ${lowerFirst(message)}`,
      fix: helpFor(words, path, message, `Correct its spelling or remove it; the fields are listed at the top of the bundled ${name}.`)
    })
  }
}

/**
 * Messages that give the line first and say in a sentence what is wrong:
 * `line 7, frame "a" (frames[0]), field lemmas[1]` and `expected text, found number 1945`.
 * Fields inside an entry are indexed from 0, as the entry itself is.
 */
export const lineFirst = (words: CodebookWords): Messages => {
  const name = words.name ?? "codebook"
  const { key, label } = words.entries
  return {
    syntax: ({ line, column, message }) => ({ location: `line ${line}, column ${column}`, problem: `this is not valid YAML (${message})` }),
    locate: (path, input) => {
      const { line, entry, field } = placeOf(path, input, words.entries)
      const location = joined([
        line === undefined ? undefined : `line ${line}`,
        entry === undefined ? undefined
        : entry.id === undefined ? `${label} ${entry.index + 1} of ${key}`
        : `${label} "${entry.id}" (${key}[${entry.index}])`,
        field.length === 0 ? undefined : `field ${field.map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${part}`)).join("")}`
      ])
      return location === "" ? "the whole file" : location
    },
    schemaProblem: ({ path, message, value }) => ({
      problem: sentence(message, String(path.at(-1) ?? "the file"), value, name),
      fix: helpFor(words, path, message, `Check its spelling; ${words.generalHelp}`)
    })
  }
}

const sentence = (message: string, field: string, value: unknown, name: string): string => {
  if (message === "Missing key") return `the required field "${field}" is missing`
  if (message === unknownField) return `"${field}" is not a field this ${name} knows`
  if (message === "Expected string") return `expected text, found ${described(value)}`
  if (message === "Expected array") return `expected a list, found ${described(value)}`
  if (message === "Expected object") return `expected a mapping of fields, found ${described(value)}`
  // A codebook's own message ("list at least one frame") says enough about a list or a mapping.
  return value !== null && typeof value === "object" ? message : `${message}, found ${described(value)}`
}

const described = (value: unknown): string => {
  if (value === null || value === undefined) return "an empty value"
  if (typeof value === "string") return `the text "${value}"`
  if (Array.isArray(value)) return "a list"
  if (typeof value === "object") return "a mapping of fields"
  return `${typeof value} ${String(value)}`
}

// ---------------------------------------------------------------- for the checks

/** The first result `find` gives over the items, in order. */
export const firstFound = <T, R>(items: ReadonlyArray<T>, find: (item: T, index: number) => R | undefined): R | undefined => {
  for (const [index, item] of items.entries()) {
    const found = find(item, index)
    if (found !== undefined) return found
  }
  return undefined
}

/** The first entry that reuses the id of an earlier one, in `lineFirst` words. */
export const repeatedId = (entries: ReadonlyArray<{ readonly id: string }>, { key, label }: EntryList): Problem | undefined => {
  const seen = new Set<string>()
  return firstFound(entries, ({ id }, index) => {
    if (seen.has(id)) return { path: [key, index, "id"], problem: `the id "${id}" is used by an earlier ${label}`, fix: `Give each ${label} its own id` }
    seen.add(id)
    return undefined
  })
}
