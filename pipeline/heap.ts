// Imported first by the command-line entry points. A run allocates far more than it keeps (rows on their
// way into files, files read back), and V8 lets a heap grow up to fourfold past what survived its last
// collection before it collects again, so a large run's peak memory was mostly garbage. Growing by half
// instead was measured to cut the peak of a cold 8,000-document run from 1,575 to 1,040 MiB, and that of
// a 1,000-document run from about 930 to 612–680 MiB, for a few percent more time collecting (README,
// Speed). V8 reads the setting at each collection; it holds for every worker thread too.
import { setFlagsFromString } from "node:v8"

setFlagsFromString("--heap-growing-percent=50")
