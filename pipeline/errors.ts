// Errors are values: each names the culprit and what would fix it, and is rendered for people at the CLI edge.
import { Schema } from "effect"

/** A researcher's input (a text, the manifest, a codebook, a flag) is wrong. */
export class InputError extends Schema.TaggedError<InputError>()("InputError", {
  /** The file (or flag) at fault, as the researcher would name it. */
  file: Schema.String,
  /** Where in it: "line 4, column outlet_id", "entry kyiv", … */
  location: Schema.optional(Schema.String),
  /** What is wrong. */
  problem: Schema.String,
  /** What would fix it. */
  fix: Schema.String
}) {
  override get message(): string {
    return `${this.file}${this.location === undefined ? "" : ` (${this.location})`}: ${this.problem}. ${this.fix}`
  }
}

/** Publishing cannot go ahead (the version exists with other content, a file did not read back). */
export class PublishError extends Schema.TaggedError<PublishError>()("PublishError", {
  path: Schema.String,
  problem: Schema.String,
  fix: Schema.String
}) {
  override get message(): string {
    return `${this.path}: ${this.problem}. ${this.fix}`
  }
}

export type PipelineError = InputError | PublishError

/** One readable line for a person: no stack trace. */
export const renderError = (error: PipelineError): string => `error: ${error.message}`
