// npm run pipeline [-- --raw DIR --out DIR --version X.Y.Z]: builds a corpus folder into a published dataset.
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { runCli } from "./cli.ts"
import { printSummary, runPipeline } from "./pipeline.ts"
import { stderrProgress } from "./progress.ts"
import { SemVer } from "../schemas/inputs/dataset.ts"

const pipeline = Command.make(
  "pipeline",
  {
    raw: Flag.Directory("raw").pipe(
      Flag.withDescription("Corpus folder holding texts/ and sources.csv (optional: outlets.csv, dataset.yaml, codebooks/)."),
      Flag.withDefault("raw")
    ),
    out: Flag.String("out").pipe(
      Flag.withDescription("Where datasets are published, as <out>/<dataset>/<version>/."),
      Flag.withDefault("dist-data")
    ),
    version: Flag.String("version").pipe(
      Flag.withSchema(SemVer),
      Flag.withDescription("Publish under this version instead of dataset.yaml's (semver, e.g. 1.1.0)."),
      Flag.optional
    ),
    quiet: Flag.Boolean("quiet").pipe(Flag.withDescription("No progress (rate and ETA), only the closing summary and errors."), Flag.withDefault(false))
  },
  (flags) =>
    Effect.gen(function* () {
      const summary = yield* runPipeline({
        rawDir: flags.raw,
        outDir: flags.out,
        ...(Option.isSome(flags.version) ? { version: flags.version.value } : {}),
        ...(flags.quiet ? {} : { progress: stderrProgress() })
      })
      yield* printSummary(summary)
    })
).pipe(Command.withDescription("Build a corpus folder (texts/ + sources.csv) into a versioned, validated dataset of CSV and Arrow tables."))

runCli(pipeline)
