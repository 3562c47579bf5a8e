// node pipeline/run.mjs pipeline/main.ts [arguments]: starts a command-line program of the project
// without tsx. Through tsx, whose loader hooks answer every import (effect's hundreds of modules among
// them) from another thread, the main thread took about 0.6 s longer to start (`--help`: 1.3–1.5 s
// against 0.7–0.9 s, bundling included), a tenth of a re-run after a framing-codebook edit at 1,000
// documents. So the program is bundled with esbuild, as the workers are (workers/entry.ts): the
// project's own modules in one file, each keeping its source file's import.meta.url (the paths they
// find files and workers by), packages imported from node_modules as usual; named by its content under
// node_modules/.cache, then imported.
// If the bundle cannot be made, the program's sources are loaded through tsx as before.
import { readFileSync } from "node:fs"
import { basename, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { BUNDLE_OPTIONS, keepBundle } from "./workers/bundle.mjs"

const programsDir = fileURLToPath(new URL("../node_modules/.cache/discourse-pipeline/programs/", import.meta.url))

/** Each TypeScript module's import.meta.url as its own file's, not the bundle's. */
const sourceUrls = {
  name: "source-import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, ({ path }) => ({
      contents: readFileSync(path, "utf8").replaceAll("import.meta.url", JSON.stringify(pathToFileURL(path).href)),
      loader: "ts"
    }))
  }
}

/** The program's bundle, kept unless there already; its path. */
const bundle = async (source) => {
  const { build } = await import("esbuild")
  const built = await build({ entryPoints: [source], ...BUNDLE_OPTIONS, plugins: [sourceUrls] })
  return keepBundle(programsDir, basename(source, ".ts"), built.outputFiles[0].contents)
}

const program = process.argv[2]
if (program === undefined || !program.endsWith(".ts")) {
  process.stderr.write("usage: node pipeline/run.mjs <program>.ts [arguments]\n")
  process.exit(2)
}
const source = resolve(program)
process.argv.splice(2, 1) // the program sees its own arguments only

let href
try {
  href = pathToFileURL(await bundle(source)).href
} catch {
  const { register } = await import("tsx/esm/api")
  register()
  href = pathToFileURL(source).href // through tsx: slower to start, the same code
}
await import(href)
