// node pipeline/run.mjs pipeline/main.ts [arguments]: starts a command-line program of the project
// without tsx. Through tsx, whose loader hooks answer every import (effect's hundreds of modules among
// them) from another thread, the main thread took about 0.7 s longer to start (`--help`: 1.3–1.5 s
// against 0.6 s), a tenth of a re-run after a framing-codebook edit at 1,000 documents. So the program
// is bundled with esbuild, as the workers are (workers/entry.ts): the project's own modules in one file,
// each keeping its source file's import.meta.url (the paths they find files and workers by), packages
// imported from node_modules as usual; named by its content under node_modules/.cache, then imported.
// If the bundle cannot be made, the program's sources are loaded through tsx as before.
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { basename, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

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

/** The program's bundle, written unless there already; its path. */
const bundle = async (source) => {
  const { build } = await import("esbuild")
  const built = await build({
    entryPoints: [source],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    plugins: [sourceUrls],
    write: false,
    logLevel: "silent"
  })
  const code = built.outputFiles[0].contents
  const file = join(programsDir, `${basename(source, ".ts")}-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`)
  if (!existsSync(file)) {
    mkdirSync(programsDir, { recursive: true })
    const aside = `${file}.${process.pid}.tmp`
    writeFileSync(aside, code)
    renameSync(aside, file) // whole or not there, whichever run writes it
  }
  return file
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
