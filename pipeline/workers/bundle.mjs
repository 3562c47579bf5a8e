// How bundles are made and kept (as files named by their content), for the workers (entry.ts) and the
// command-line programs (run.mjs) alike: plain JavaScript, so that run.mjs can use it before any
// TypeScript loads.
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs"
import { join } from "node:path"

/** How esbuild bundles an entry: the project's modules in one ES module, packages left to node_modules. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  write: false,
  logLevel: "silent"
}

/** Writes `code` as `<dir>/<name>-<content hash>.mjs` unless it is there already; its path. */
export const keepBundle = (dir, name, code) => {
  const file = join(dir, `${name}-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`)
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true })
    const aside = `${file}.${process.pid}.tmp`
    writeFileSync(aside, code)
    renameSync(aside, file) // whole or not there, whichever run writes it
  }
  return file
}
