// The worker thread of copy.ts: makes each copy asked and answers with what it read back.
import { serveRequests } from "../workers/serve.ts"
import { copyAndReadBack } from "./copy.ts"

serveRequests(copyAndReadBack)
