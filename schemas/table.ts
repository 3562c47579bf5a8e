// A published table is declared once, as an Effect schema whose fields carry column metadata.
// Its TypeScript row type, validation, CSV header, Arrow schema, Frictionless Table Schema and
// codebook entry are all derived from that one declaration (see pipeline/publish/*).
import { type Result, Schema, SchemaAST } from "effect"

/** How a column is stored: decides its Arrow type and its Frictionless type. */
export type ColumnKind =
  | "string" // free text, Arrow Utf8
  | "id" // a repeated identifier or category, Arrow Dictionary<Utf8, Int32>
  | "integer" // Arrow Int32
  | "number" // Arrow Float64
  | "boolean" // Arrow Bool

export interface ColumnMeta {
  readonly kind: ColumnKind
  readonly description: string
  readonly nullable: boolean
  readonly unit?: string
  readonly formula?: string
  /** The closed set of values a categorical column takes. */
  readonly values?: ReadonlyArray<string>
  readonly minimum?: number
  readonly maximum?: number
}

type Extra = Partial<Pick<ColumnMeta, "unit" | "formula" | "minimum" | "maximum">>

const COLUMN = "pipeline/column"

/**
 * What each column schema built by Column.* accepts, as a plain predicate: the same decisions as the
 * schema's decoder (test/table.test.ts compares them), at a fraction of the cost, for the rows of a
 * whole dataset. Keyed by the schema's AST, so a column schema changed afterwards (annotated again,
 * say) has none, and its table's rows all go through the decoder.
 */
const columnPredicates = new WeakMap<SchemaAST.AST, (value: unknown) => boolean>()

const annotate = <S extends Schema.Top>(schema: S, meta: ColumnMeta, accepts: (value: unknown) => boolean): S["Rebuild"] => {
  const annotated = schema.annotate({ [COLUMN]: meta, description: meta.description })
  columnPredicates.set(annotated.ast, accepts)
  return annotated
}

const withExtra = (extra: Extra | undefined) => {
  const meta: { -readonly [K in keyof Extra]: Extra[K] } = {}
  if (extra?.unit !== undefined) meta.unit = extra.unit
  if (extra?.formula !== undefined) meta.formula = extra.formula
  if (extra?.minimum !== undefined) meta.minimum = extra.minimum
  if (extra?.maximum !== undefined) meta.maximum = extra.maximum
  return meta
}

const numberSchema = (base: Schema.Number | Schema.Int, extra: Extra | undefined) => {
  const checks = [
    ...(extra?.minimum !== undefined ? [Schema.isGreaterThanOrEqualTo(extra.minimum)] : []),
    ...(extra?.maximum !== undefined ? [Schema.isLessThanOrEqualTo(extra.maximum)] : [])
  ]
  const [first, ...rest] = checks
  return first === undefined ? base : base.check(first, ...rest)
}

/** numberSchema's checks, as a predicate on a number already of the right kind. */
const withinBounds = (extra: Extra | undefined): ((value: number) => boolean) => {
  const minimum = extra?.minimum ?? -Infinity
  const maximum = extra?.maximum ?? Infinity
  return (value) => value >= minimum && value <= maximum
}

const isString = (value: unknown): boolean => typeof value === "string"
const isNonEmptyString = (value: unknown): boolean => typeof value === "string" && value.length > 0
const isBoolean = (value: unknown): boolean => typeof value === "boolean"

const integerPredicate = (extra: Extra | undefined) => {
  const within = withinBounds(extra)
  return (value: unknown): boolean => Number.isSafeInteger(value) && within(value as number)
}

const numberPredicate = (extra: Extra | undefined) => {
  const within = withinBounds(extra)
  return (value: unknown): boolean => Number.isFinite(value) && within(value as number)
}

const literalPredicate = (values: ReadonlyArray<string>) => (value: unknown): boolean => values.includes(value as string)

/** Null or what the column accepts; for a column without a predicate, nothing (the decoder decides). */
const nullablePredicate = (column: Schema.Top): ((value: unknown) => boolean) => {
  const accepts = columnPredicates.get(column.ast)
  return accepts === undefined ? () => false : (value) => value === null || accepts(value)
}

/** Column constructors: each returns an Effect schema that knows how it is published. */
export const Column = {
  string: (description: string, extra?: Extra) =>
    annotate(Schema.String, { kind: "string", description, nullable: false, ...withExtra(extra) }, isString),
  id: (description: string, extra?: Extra) =>
    annotate(Schema.NonEmptyString, { kind: "id", description, nullable: false, ...withExtra(extra) }, isNonEmptyString),
  integer: (description: string, extra?: Extra) =>
    annotate(numberSchema(Schema.Int, extra), { kind: "integer", description, nullable: false, ...withExtra(extra) }, integerPredicate(extra)),
  number: (description: string, extra?: Extra) =>
    annotate(numberSchema(Schema.Finite, extra), { kind: "number", description, nullable: false, ...withExtra(extra) }, numberPredicate(extra)),
  boolean: (description: string) => annotate(Schema.Boolean, { kind: "boolean", description, nullable: false }, isBoolean),
  literal: <const L extends ReadonlyArray<string>>(values: L, description: string) =>
    annotate(Schema.Literals(values), { kind: "id", description, nullable: false, values }, literalPredicate(values)),
  /** Missing values are published as null in Arrow and as an empty field in CSV. */
  nullable: <S extends Schema.Top>(column: S) =>
    annotate(Schema.NullOr(column), { ...columnMeta(column.ast), nullable: true }, nullablePredicate(column))
}

export const columnMeta = (ast: SchemaAST.AST): ColumnMeta => {
  const meta = SchemaAST.resolve(ast)?.[COLUMN] as ColumnMeta | undefined
  if (meta === undefined) throw new Error("a table field was declared without Column.*")
  return meta
}

export interface ForeignKey {
  readonly fields: ReadonlyArray<string>
  readonly table: string
  readonly reference: ReadonlyArray<string>
}

export interface TableDefinition<Fields extends Schema.Struct.Fields> {
  readonly name: string
  readonly title: string
  readonly description: string
  /** What one row stands for, for the codebook ("one removed span"). */
  readonly rowPer: string
  readonly fields: Fields
  readonly primaryKey: ReadonlyArray<keyof Fields & string>
  readonly foreignKeys?: ReadonlyArray<ForeignKey>
  /** The documented, deterministic row order. */
  readonly orderedBy: ReadonlyArray<keyof Fields & string>
  /**
   * The leading columns of orderedBy that name the unit a row belongs to (a document, or a group of
   * documents), in a table whose rows come a unit at a time and whose units mostly stay the same from
   * run to run: its row groups close between units, and a re-run takes the groups whose units' rows
   * are unchanged (publish/group-reuse.ts). A table ordered by doc_id first has doc_id as its unit.
   */
  readonly units?: ReadonlyArray<keyof Fields & string>
  /** Which stage writes the table, for the codebook. */
  readonly stage: string
}

export interface Table<Fields extends Schema.Struct.Fields = Schema.Struct.Fields>
  extends TableDefinition<Fields> {
  readonly schema: Schema.Struct<Fields>
  /** Validates one row (all problems reported, not just the first). */
  readonly decodeRow: (input: unknown) => Result.Result<Schema.Struct<Fields>["Type"], Schema.SchemaError>
  /**
   * A fast check of one row: true only for a row that decodeRow accepts. False says nothing more: ask
   * decodeRow, which says what is wrong (or, for a column schema without a predicate, accepts it).
   */
  readonly passesColumnChecks: (input: unknown) => boolean
  readonly columns: ReadonlyArray<{ readonly name: string; readonly meta: ColumnMeta }>
}

export const defineTable = <const Fields extends Schema.Struct.Fields>(
  definition: TableDefinition<Fields>
): Table<Fields> => {
  const schema = Schema.Struct(definition.fields)
  const decode = Schema.decodeUnknownResult(schema as any) // compiled once: rows are decoded by the million
  return {
    ...definition,
    schema,
    decodeRow: (input) => decode(input, { errors: "all" }) as any,
    passesColumnChecks: rowPredicate(definition.fields),
    columns: Object.entries(definition.fields).map(([name, field]) => ({ name, meta: columnMeta(field.ast) }))
  }
}

/** An object literal's: whatever it inherits is Object.prototype's, never a column's value. */
const isPlainObject = (input: unknown): boolean => {
  if (typeof input !== "object" || input === null) return false
  const prototype = Object.getPrototypeOf(input)
  return prototype === Object.prototype || prototype === null
}

/** Every field's predicate on the row's value of that name. */
const rowPredicate = (fields: Schema.Struct.Fields): ((input: unknown) => boolean) => {
  const checks = Object.entries(fields).map(([name, field]) => ({ name, accepts: columnPredicates.get(field.ast) }))
  if (checks.some(({ accepts }) => accepts === undefined)) return () => false
  const names = checks.map(({ name }) => name)
  const predicates = checks.map(({ accepts }) => accepts!)
  return (input) => {
    if (!isPlainObject(input)) return false
    const record = input as Record<string, unknown>
    for (let i = 0; i < names.length; i++) {
      if (!predicates[i]!(record[names[i]!])) return false
    }
    return true
  }
}

export type Row<T extends Table<any>> = T["schema"]["Type"]

/** Compares two rows by the table's declared order (numbers numerically, strings by code unit). */
export const compareRows = <T extends Table<any>>(table: T) => (a: Row<T>, b: Row<T>): number => {
  for (const key of table.orderedBy) {
    const x = (a as Record<string, unknown>)[key]
    const y = (b as Record<string, unknown>)[key]
    if (x === y) continue
    if (x === null) return -1
    if (y === null) return 1
    if (typeof x === "number" && typeof y === "number") return x - y
    return String(x) < String(y) ? -1 : 1
  }
  return 0
}
