// Shared by the tests: Node services for Effects, and throwaway corpus folders built from the seed corpus.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Exit } from "effect"

export const projectRoot = new URL("../", import.meta.url).pathname
export const seedRaw = join(projectRoot, "raw")
export const gumDir = join(projectRoot, "../shared/eval/gum-news")

export const run = <A, E>(effect: Effect.Effect<A, E, NodeServices.NodeServices>): Promise<Exit.Exit<A, E>> =>
  Effect.runPromiseExit(effect.pipe(Effect.provide(NodeServices.layer)))

/** The error an Effect failed with, or a thrown assertion if it succeeded. */
export const failureOf = async <A, E>(effect: Effect.Effect<A, E, NodeServices.NodeServices>): Promise<E> => {
  const exit = await run(effect)
  if (Exit.isSuccess(exit)) throw new Error("expected a failure, got success")
  const failure = exit.cause.reasons.find((reason) => reason._tag === "Fail")
  if (failure === undefined || failure._tag !== "Fail") throw new Error(`expected a typed failure, got ${String(exit.cause)}`)
  return failure.error
}

export const succeed = async <A, E>(effect: Effect.Effect<A, E, NodeServices.NodeServices>): Promise<A> => {
  const exit = await run(effect)
  if (Exit.isFailure(exit)) throw new Error(`expected success, got ${String(exit.cause)}`)
  return exit.value
}

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `dp-${prefix}-`))

/** A copy of the seed corpus in a temp folder, to break in one place. */
export const copySeedCorpus = (): string => {
  const dir = tempDir("corpus")
  cpSync(seedRaw, dir, { recursive: true })
  return dir
}

export const editFile = (path: string, edit: (text: string) => string): void =>
  writeFileSync(path, edit(readFileSync(path, "utf8")))

export const writeText = (dir: string, relative: string, content: string | Uint8Array): void => {
  const path = join(dir, relative)
  mkdirSync(join(path, ".."), { recursive: true })
  writeFileSync(path, content)
}

export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true })
