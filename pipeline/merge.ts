// npm run merge [-- --raw DIR --partials DIR --out DIR --version X.Y.Z]: publishes the partial files of
// a sharded run (npm run pipeline -- --shard I/N, for I = 1..N) as the dataset one run would publish.
import "./heap.ts" // first: before anything is allocated
import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { outFlag, quietFlag, rawFlag, runCli, versionFlag } from "./cli.ts"
import { mergeShards, printSummary } from "./pipeline.ts"
import { stderrProgress } from "./progress.ts"

const merge = Command.make(
  "merge",
  {
    raw: rawFlag("The corpus folder the shards were run on (its manifest, dataset card and codebooks are read again)."),
    partials: Flag.Directory("partials").pipe(
      Flag.withDescription("The folder holding the shards' partial files."),
      Flag.withDefault("partials")
    ),
    out: outFlag,
    version: versionFlag("The --version the shards were run with, if any."),
    quiet: quietFlag
  },
  (flags) =>
    Effect.gen(function* () {
      const summary = yield* mergeShards({
        rawDir: flags.raw,
        partialsDir: flags.partials,
        outDir: flags.out,
        ...(Option.isSome(flags.version) ? { version: flags.version.value } : {}),
        ...(flags.quiet ? {} : { progress: stderrProgress() })
      })
      yield* printSummary(summary)
    })
).pipe(Command.withDescription("Publish the partial files of the N shards of a run as one dataset, exactly as a single run would have."))

runCli(merge)
