// Reading a YAML codebook into a typed value. Every problem becomes one InputError that names the
// file, the line, the entry and the field, says what is wrong and how to fix it.
import { Cause, Effect, Exit, Schema, SchemaIssue } from "effect"
import { LineCounter, parseDocument } from "yaml"
import { InputError } from "../errors.ts"

export type Path = ReadonlyArray<PropertyKey>

export interface YamlInput {
  readonly file: string
  readonly data: unknown
  /** 1-based line of the node at `path`, or of its nearest ancestor present in the file. */
  readonly lineAt: (path: Path) => number | undefined
}

/** How a codebook names its entries and what to tell a researcher about each field. */
export interface CodebookShape {
  /** "frames" → "frame": the top-level list of entries and the word for one entry. */
  readonly entries: Readonly<Record<string, string>>
  /** Per field name, how a correct value looks. */
  readonly fieldHelp: Readonly<Record<string, string>>
  /** Said when nothing more specific applies. */
  readonly generalHelp: string
}

export const parseYaml = (text: string, file: string): Effect.Effect<YamlInput, InputError> => {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false })
  const error = document.errors[0]
  if (error !== undefined) {
    const at = lineCounter.linePos(error.pos[0])
    return Effect.fail(
      new InputError({
        file,
        location: `line ${at.line}, column ${at.col}`,
        problem: `this is not valid YAML (${error.message.split("\n")[0]})`,
        fix: "Check the indentation and quoting at that line: list items start with '- ', a value containing ': ' or '#' must be quoted"
      })
    )
  }
  const lineAt = (path: Path): number | undefined => {
    for (let length = path.length; length >= 0; length--) {
      const node: unknown = document.getIn(path.slice(0, length), true)
      const range = (node as { range?: [number, number, number] } | undefined)?.range
      if (range !== undefined) return lineCounter.linePos(range[0]).line
    }
    return undefined
  }
  return Effect.succeed({ file, data: document.toJS() as unknown, lineAt })
}

/** Where a path points, for people: `line 12, frame "military", field lemmas[2]`. */
export const describeLocation = (input: YamlInput, shape: CodebookShape, path: Path): string => {
  const parts: Array<string> = []
  const line = input.lineAt(path)
  if (line !== undefined) parts.push(`line ${line}`)
  const [list, index, ...rest] = path
  const entryWord = typeof list === "string" ? shape.entries[list] : undefined
  let fieldPath: Path = path
  if (entryWord !== undefined && typeof index === "number") {
    const id = valueAt(input.data, [list!, index, "id"]) ?? valueAt(input.data, [list!, index, "variant"])
    parts.push(typeof id === "string" ? `${entryWord} "${id}" (${String(list)}[${index}])` : `${entryWord} ${index + 1} of ${String(list)}`)
    fieldPath = rest
  }
  if (fieldPath.length > 0) parts.push(`field ${formatPath(fieldPath)}`)
  return parts.join(", ")
}

const formatPath = (path: Path): string =>
  path.map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`)).join("")

export const valueAt = (data: unknown, path: Path): unknown => {
  let value = data
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

const describeValue = (value: unknown): string => {
  if (value === null || value === undefined) return "an empty value"
  if (typeof value === "string") return `the text "${value}"`
  if (Array.isArray(value)) return "a list"
  if (typeof value === "object") return "a mapping of fields"
  return `${typeof value} ${String(value)}`
}

const describeIssue = (message: string, path: Path, value: unknown): string => {
  const field = String(path[path.length - 1] ?? "the file")
  if (message === "Missing key") return `the required field "${field}" is missing`
  if (message === "Expected no excess property") return `"${field}" is not a field this codebook knows`
  if (message === "Expected string") return `expected text, found ${describeValue(value)}`
  if (message === "Expected array") return `expected a list, found ${describeValue(value)}`
  if (message === "Expected object") return `expected a mapping of fields, found ${describeValue(value)}`
  // A codebook's own message ("list at least one frame") says enough about a list or a mapping.
  return value !== null && typeof value === "object" ? message : `${message}, found ${describeValue(value)}`
}

/** The help for the innermost named field of a path. */
const helpFor = (shape: CodebookShape, path: Path, message: string): string => {
  const field = [...path].reverse().find((key): key is string => typeof key === "string")
  if (message === "Expected no excess property" && path.length > 0) {
    return `Check its spelling; ${shape.generalHelp}`
  }
  return (field === undefined ? undefined : shape.fieldHelp[field]) ?? shape.generalHelp
}

/** Decodes parsed YAML with a schema; the first problem becomes an InputError. */
export const decodeYaml = <A>(
  schema: Schema.Decoder<A>,
  input: YamlInput,
  shape: CodebookShape
): Effect.Effect<A, InputError> => {
  const exit = Schema.decodeUnknownExit(schema)(input.data, { onExcessProperty: "error" })
  if (Exit.isSuccess(exit)) return Effect.succeed(exit.value)
  const error = Cause.squash(exit.cause)
  const issue = Schema.isSchemaError(error)
    ? SchemaIssue.makeFormatterStandardSchemaV1()(error.issue).issues[0]
    : undefined
  const path: Path = (issue?.path ?? []).map((key) =>
    typeof key === "object" && key !== null && "key" in key ? (key.key as PropertyKey) : (key as PropertyKey)
  )
  const message = issue?.message ?? String(error)
  return Effect.fail(
    new InputError({
      file: input.file,
      location: describeLocation(input, shape, path) || "the whole file",
      problem: describeIssue(message, path, valueAt(input.data, path)),
      fix: helpFor(shape, path, message)
    })
  )
}

/** An InputError about one field of one entry, for the checks a schema cannot express. */
export const entryError = (input: YamlInput, shape: CodebookShape, path: Path, problem: string, fix: string): InputError =>
  new InputError({ file: input.file, location: describeLocation(input, shape, path), problem, fix })

/** The first error `find` reports over the items, in order. */
export const firstFound = <T>(
  items: ReadonlyArray<T>,
  find: (item: T, index: number) => InputError | undefined
): InputError | undefined => {
  for (const [index, item] of items.entries()) {
    const error = find(item, index)
    if (error !== undefined) return error
  }
  return undefined
}
