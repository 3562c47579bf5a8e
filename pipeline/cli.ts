// What every command-line entry point shares: the Node services, a --help that lists every flag
// (and no built-in --version, which would shadow the dataset's), and errors rendered for people.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Console, Effect, Layer } from "effect"
import { CliConfig, Command, Flag, GlobalFlag } from "effect/cli"
import { renderError, type PipelineError } from "./errors.ts"
import { SemVer } from "../schemas/inputs/dataset.ts"

const cliConfig = CliConfig.layer({ builtIns: [GlobalFlag.Help, GlobalFlag.Completions, GlobalFlag.LogLevel] })

const isPipelineError = (error: unknown): error is PipelineError =>
  typeof error === "object" && error !== null && "_tag" in error &&
  (error._tag === "InputError" || error._tag === "PublishError")

/** Prints one line for a person and sets a non-zero exit code; never a stack trace for bad input. */
const reportFailure = (cause: Cause.Cause<unknown>) =>
  Effect.gen(function* () {
    const failure = cause.reasons.find(Cause.isFailReason)?.error
    if (isPipelineError(failure)) {
      yield* Console.error(renderError(failure))
    } else if (failure !== undefined && typeof failure === "object" && failure !== null && "_tag" in failure) {
      // effect/cli has already shown parse errors together with the usage
    } else if (Cause.hasInterruptsOnly(cause)) {
      yield* Console.error("interrupted")
    } else {
      yield* Console.error(`internal error: ${Cause.pretty(cause).split("\n")[0]} (please report this with the input that caused it)`)
    }
    process.exitCode = 1
  })

export const runCli = <Name extends string, Input, E, R, ContextInput>(
  command: Command.Command<Name, Input, ContextInput, E, R>
) =>
  command.pipe(
    Command.run({ version: "" }),
    Effect.catchCause(reportFailure),
    Effect.provide(Layer.mergeAll(NodeServices.layer, cliConfig)),
    (program) => NodeRuntime.runMain(program as Effect.Effect<void>, { disableErrorReporting: true })
  )

// ---------------------------------------------------------------- flags the commands share

export const rawFlag = (description: string) =>
  Flag.Directory("raw").pipe(Flag.withDescription(description), Flag.withDefault("raw"))

export const outFlag = Flag.String("out").pipe(
  Flag.withDescription("Where datasets are published, as <out>/<dataset>/<version>/."),
  Flag.withDefault("dist-data")
)

export const versionFlag = (description: string) =>
  Flag.String("version").pipe(Flag.withSchema(SemVer), Flag.withDescription(description), Flag.optional)

export const quietFlag = Flag.Boolean("quiet").pipe(
  Flag.withDescription("No progress (rate and ETA), only the closing summary and errors."),
  Flag.withDefault(false)
)
