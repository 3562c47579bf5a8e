// npm run pipeline [-- --raw DIR --out DIR --version X.Y.Z --workers N --no-cache --shard I/N]: builds a
// corpus folder into a published dataset (or, with --shard, one share of it into a partial file).
import "./heap.ts" // first: before anything is allocated
import { availableParallelism } from "node:os"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { outFlag, quietFlag, rawFlag, runCli, versionFlag } from "./cli.ts"
import { printSummary, runPipeline, runShard } from "./pipeline.ts"
import { parseShard } from "./shards.ts"
import { stderrProgress } from "./progress.ts"
import { InputError } from "./errors.ts"

const cpus = availableParallelism()

const pipeline = Command.make(
  "pipeline",
  {
    raw: rawFlag("Corpus folder holding texts/ and sources.csv (optional: outlets.csv, dataset.yaml, codebooks/)."),
    out: outFlag,
    version: versionFlag("Publish under this version instead of dataset.yaml's (semver, e.g. 1.1.0)."),
    workers: Flag.Int("workers").pipe(
      Flag.withDescription(`Worker threads for the per-document stages (0: all in the main thread). Default: one per CPU but the one the main thread needs to write the documents' rows (${Math.max(1, cpus - 1)} here), or one per CPU (${cpus}) when every per-document table is taken from the cache.`),
      Flag.optional
    ),
    cache: Flag.Boolean("cache").pipe(
      Flag.withDescription("Take documents' annotations and published tables from the cache where what they depend on (texts, manifest rows, codebooks, code) is unchanged (--no-cache: compute and write everything)."),
      Flag.withDefault(true)
    ),
    cacheDir: Flag.String("cache-dir").pipe(
      Flag.withDescription("The cache's folder: documents' annotations and published tables kept for re-runs (safe to delete at any time)."),
      Flag.withDefault(".cache")
    ),
    shard: Flag.String("shard").pipe(
      Flag.withDescription("Process only share I of N (e.g. 3/8) into a partial file in --partials, publishing nothing; `npm run merge` publishes the N partials."),
      Flag.optional
    ),
    partials: Flag.String("partials").pipe(
      Flag.withDescription("Where --shard writes its partial file."),
      Flag.withDefault("partials")
    ),
    quiet: quietFlag
  },
  (flags) =>
    Effect.gen(function* () {
      const common = {
        rawDir: flags.raw,
        workers: Option.match(flags.workers, { onNone: () => "auto" as const, onSome: (workers) => Math.max(0, workers) }),
        ...(flags.cache ? { cacheDir: flags.cacheDir } : {}),
        ...(Option.isSome(flags.version) ? { version: flags.version.value } : {}),
        ...(flags.quiet ? {} : { progress: stderrProgress() })
      }
      if (Option.isSome(flags.shard)) {
        const shard = parseShard(flags.shard.value)
        if (shard === undefined) {
          return yield* Effect.fail(new InputError({
            file: "--shard",
            problem: `${JSON.stringify(flags.shard.value)} is not a share I/N`,
            fix: "Give the shard as I/N with 1 ≤ I ≤ N, e.g. --shard 3/8 (in a Slurm job array: --shard $SLURM_ARRAY_TASK_ID/N, as slurm/shard.sbatch does)."
          }))
        }
        const summary = yield* runShard({ ...common, shard, partialsDir: flags.partials })
        yield* Console.error(`Wrote ${summary.output} (shard ${shard.index} of ${shard.count}, ${summary.documents.toLocaleString("en-US")} document${summary.documents === 1 ? "" : "s"})`)
        return
      }
      yield* printSummary(yield* runPipeline({ ...common, outDir: flags.out }))
    })
).pipe(Command.withDescription("Build a corpus folder (texts/ + sources.csv) into a versioned, validated dataset of CSV, Arrow and Parquet tables."))

runCli(pipeline)
