// A worker thread of the units' bootstrap (bootstrap-units.ts): given the documents once, it answers
// each share of units with their intervals, in the share's order.
import { serveRequests, setupData } from "../workers/serve.ts"
import type { Interval } from "./bootstrap.ts"
import { intervalsOfUnits, type UnitBootstrapSetup, type UnitToBootstrap } from "./bootstrap-units.ts"

const setup = setupData<UnitBootstrapSetup>()

serveRequests((units: ReadonlyArray<UnitToBootstrap>): Array<Array<Interval | null>> => intervalsOfUnits(setup, units))
