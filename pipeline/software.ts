// The versions of this pipeline and of the libraries that shape its output, recorded in every manifest.
// Node's own version is left out on purpose: the output must be identical on Node 20, 22 and 24.
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const projectRoot = fileURLToPath(new URL("../", import.meta.url))

const versionOf = (packageJson: string): string =>
  (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version

/** Libraries whose behaviour changes the published bytes. */
const outputShapingPackages = [
  "effect",
  "wink-nlp",
  "wink-eng-lite-web-model",
  "apache-arrow",
  "csv-stringify",
  "hyparquet-writer",
  "yaml"
] as const

/** The installed versions of these packages. */
export const packageVersions = (names: ReadonlyArray<string>): Record<string, string> =>
  Object.fromEntries(names.map((name) => [name, versionOf(`${projectRoot}node_modules/${name}/package.json`)]))

export const softwareVersions = (): Record<string, string> => ({
  "discourse-pipeline": versionOf(`${projectRoot}package.json`),
  ...packageVersions(outputShapingPackages)
})
