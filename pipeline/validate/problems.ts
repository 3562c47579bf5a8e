// A problem found in a published dataset, named as a person looks it up: file, row, column.

export interface Problem {
  readonly file: string
  /** Where in the file: "row 5" (CSV, the header being row 1), "record 4" (Arrow, counted from 0), "files.3.bytes" (JSON). */
  readonly at?: string | undefined
  readonly column?: string | ReadonlyArray<string> | undefined
  readonly problem: string
}

const describeColumn = (column: Problem["column"]): string | undefined => {
  if (column === undefined || column === "" || column.length === 0) return undefined
  if (typeof column === "string") return `column ${column}`
  return column.length === 1 ? `column ${column[0]}` : `columns ${column.join(", ")}`
}

/** `file, row R, column C: problem`, leaving out what is not known. */
export const formatProblem = (problem: Problem): string =>
  `${[problem.file, problem.at, describeColumn(problem.column)].filter((part) => part !== undefined).join(", ")}: ${problem.problem}`

/** Counts every problem but keeps only the first `cap`, so that a badly broken file cannot flood memory or the screen. */
export class Problems {
  readonly kept: Array<Problem> = []
  total = 0

  constructor(readonly cap: number) {}

  add(problem: Problem): void {
    this.total += 1
    if (this.kept.length < this.cap) this.kept.push(problem)
  }

  lines(): ReadonlyArray<string> {
    const more = this.total - this.kept.length
    return [...this.kept.map(formatProblem), ...(more > 0 ? [`… and ${more} more`] : [])]
  }
}

/** Shows a value in a message: quoted, and shortened when long. */
export const quote = (value: unknown, max = 60): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length <= max ? text : `${text.slice(0, max - 2)}…"`
}
