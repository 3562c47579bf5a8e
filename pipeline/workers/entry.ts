// What a worker thread loads. Run from the TypeScript sources, a worker would import its entry through
// tsx, whose loader hooks answer every import (effect's hundreds of modules among them) from another
// thread: about a second of CPU per worker (importing document.ts took 1.45 s of CPU through tsx, 0.47 s
// from a bundle), and a run starts up to six workers. So each entry is bundled with esbuild when a run
// first starts one: the project's own modules in one file, packages imported from node_modules as
// usual. The bundle is named by its content (a run of other code never takes it) and kept under
// node_modules/.cache, where its imports of packages resolve as the sources' do. If it cannot be made,
// the worker loads the TypeScript entry through tsx as before.
import { basename } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { buildSync } from "esbuild"
import { BUNDLE_OPTIONS, keepBundle } from "./bundle.mjs"

const bundlesDir = fileURLToPath(new URL("../../node_modules/.cache/discourse-pipeline/workers/", import.meta.url))

/** The bundle of a TypeScript entry, written unless there already; its path. */
const bundle = (source: string): string => {
  const built = buildSync({ entryPoints: [source], ...BUNDLE_OPTIONS })
  return keepBundle(bundlesDir, basename(source, ".ts"), built.outputFiles![0]!.contents)
}

const made = new Map<string, string>()

/** The URL a worker of `entry` loads (bootstrap.mjs): its bundle for a TypeScript entry, made once per process. */
export const workerEntryHref = (entry: URL): string => {
  if (!entry.pathname.endsWith(".ts")) return entry.href
  let href = made.get(entry.href)
  if (href === undefined) {
    try {
      href = pathToFileURL(bundle(fileURLToPath(entry))).href
    } catch {
      href = entry.href // through tsx: slower to start, the same code
    }
    made.set(entry.href, href)
  }
  return href
}
