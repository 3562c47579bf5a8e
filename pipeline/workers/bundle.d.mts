import type { BuildOptions } from "esbuild"

/** How esbuild bundles an entry: the project's modules in one ES module, packages left to node_modules. */
export declare const BUNDLE_OPTIONS: BuildOptions & { readonly write: false }

/** Writes `code` as `<dir>/<name>-<content hash>.mjs` unless it is there already; its path. */
export declare const keepBundle: (dir: string, name: string, code: Uint8Array) => string
