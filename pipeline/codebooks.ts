// The researcher-editable codebooks: taken from <raw>/codebooks/ where the corpus has its own,
// otherwise the bundled defaults in this project's raw/codebooks/. Each is decoded through its schema.
import { fileURLToPath } from "node:url"
import { Effect, FileSystem, Path } from "effect"
import type { InputError } from "./errors.ts"
import { decodeUtf8, fileExists, sha256 } from "./ingest.ts"
import { decodeBoilerplate } from "../schemas/inputs/boilerplate.ts"
import { decodeGazetteer } from "../schemas/inputs/gazetteer.ts"
import { decodeFrames } from "../schemas/inputs/frames.ts"
import { decodeNaming } from "../schemas/inputs/naming.ts"
import type { Provenance } from "./publish/descriptor.ts"

export const bundledCodebooksDir = fileURLToPath(new URL("../raw/codebooks/", import.meta.url))

type Decoder<A> = (yamlText: string, file: string) => Effect.Effect<A, InputError>

const loadCodebook = <A extends { readonly version: string }>(rawDir: string, name: string, decode: Decoder<A>) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const own = path.join(rawDir, "codebooks", `${name}.yaml`)
    const origin = (yield* fileExists(own)) ? "corpus" : "bundled"
    const file = origin === "corpus" ? own : path.join(bundledCodebooksDir, `${name}.yaml`)
    const shown = `codebooks/${name}.yaml`
    const bytes = yield* fs.readFile(file).pipe(Effect.orDie)
    const codebook = yield* decode(yield* decodeUtf8(bytes, shown), shown)
    const provenance = { name, version: codebook.version, path: shown, sha256: sha256(bytes), origin } as const
    return { codebook, provenance }
  })

export const loadCodebooks = (rawDir: string) =>
  Effect.gen(function* () {
    const boilerplate = yield* loadCodebook(rawDir, "boilerplate", decodeBoilerplate)
    const gazetteer = yield* loadCodebook(rawDir, "gazetteer", decodeGazetteer)
    const frames = yield* loadCodebook(rawDir, "frames", decodeFrames)
    const naming = yield* loadCodebook(rawDir, "naming", decodeNaming)
    const provenance: Provenance["codebooks"] = [boilerplate, gazetteer, frames, naming].map((entry) => entry.provenance)
    return {
      boilerplate: boilerplate.codebook,
      gazetteer: gazetteer.codebook,
      frames: frames.codebook,
      naming: naming.codebook,
      provenance
    }
  })
