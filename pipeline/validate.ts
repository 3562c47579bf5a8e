// npm run validate -- DIR: checks a published dataset version (checksums, descriptor, every row of every
// table, keys, foreign keys and offsets) and names the file, row and column of every problem.
import { Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { runCli } from "./cli.ts"
import { InputError } from "./errors.ts"
import { validateDataset } from "./validate/dataset.ts"
import { notAVersionFolder } from "./validate/folder.ts"

const readFailure = (dir: string) => (error: unknown) =>
  new InputError({ file: dir, problem: `could not be read (${(error as Error).message})`, fix: "Check that the folder and its files are readable." })

const validate = Command.make(
  "validate",
  {
    dir: Argument.String("dir").pipe(
      Argument.withDescription("A published version folder, such as dist-data/seed-trump-putin-2025/1.0.0 (holding manifest.json, datapackage.json, csv/, arrow/).")
    ),
    maxProblems: Flag.Int("max-problems").pipe(
      Flag.withDescription("Show at most this many problems; the rest are counted."),
      Flag.withDefault(50)
    ),
    quiet: Flag.Boolean("quiet").pipe(Flag.withDescription("No progress lines, only the result."), Flag.withDefault(false))
  },
  ({ dir, maxProblems, quiet }) =>
    Effect.gen(function* () {
      const notAVersion = yield* Effect.tryPromise({ try: () => notAVersionFolder(dir), catch: readFailure(dir) })
      if (notAVersion !== undefined) {
        return yield* new InputError({ file: dir, problem: notAVersion, fix: "Pass a version folder: dist-data/<dataset>/<version>." })
      }
      const { files, rows, problems } = yield* Effect.tryPromise({
        try: () => validateDataset(dir, { maxProblems, ...(quiet ? {} : { progress: (line: string) => process.stderr.write(`${line}\n`) }) }),
        catch: readFailure(dir)
      })
      if (problems.total === 0) return yield* Console.log(`valid: ${dir} (${files} files, ${rows} rows)`)
      for (const line of problems.lines()) yield* Console.log(line)
      yield* Console.error(`invalid: ${dir} (${problems.total} problem${problems.total === 1 ? "" : "s"})`)
      process.exitCode = 1
    })
).pipe(Command.withDescription(
  "Check a published dataset version: every file's size and SHA-256 against manifest.json, datapackage.json, every row of every " +
    "table against its schema (CSV rows numbered as a spreadsheet shows them, the header being row 1; Arrow records from 0), " +
    "primary keys, row order, foreign keys and offsets into texts.text_clean. Prints `valid: …` and exits 0, or one line per problem and exits 1."
))

runCli(validate)
