// A worker thread of the units' bootstrap (bootstrap-units.ts): answers each share of units, given with
// the documents they are made of, with their intervals, in the share's order.
import { serveRequests } from "../workers/serve.ts"
import type { Interval } from "./bootstrap.ts"
import { type BootstrapRequest, intervalsOfUnits } from "./bootstrap-units.ts"

serveRequests(({ setup, units }: BootstrapRequest): Array<Array<Interval | null>> => intervalsOfUnits(setup, units))
