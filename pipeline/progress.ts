// Progress on stderr: a self-updating line with rate and ETA on a terminal, plain lines otherwise
// (at most one a second, so a log of a 100,000-document run stays readable).

export interface ProgressEvent {
  readonly done: number
  readonly total: number
  readonly label: string
}

export type ProgressReporter = (event: ProgressEvent) => void

const clock = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return "--:--"
  const whole = Math.round(seconds)
  const hours = Math.floor(whole / 3600)
  const minutes = Math.floor((whole % 3600) / 60)
  const secs = String(whole % 60).padStart(2, "0")
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`
}

export const describeProgress = ({ done, total, label }: ProgressEvent, elapsedSeconds: number): string => {
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY
  const width = String(total).length
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100)
  return `[${String(done).padStart(width)}/${total}] ${String(percent).padStart(3)}%  ${rate.toFixed(1)} docs/s  ETA ${clock(eta)}  ${label}`
}

export const stderrProgress = (stream: NodeJS.WriteStream = process.stderr, now: () => number = () => performance.now()): ProgressReporter => {
  const started = now()
  let lastPrinted = Number.NEGATIVE_INFINITY
  return (event) => {
    const elapsed = (now() - started) / 1000
    const line = describeProgress(event, elapsed)
    const finished = event.done === event.total
    if (stream.isTTY) {
      stream.write(`\r${line.slice(0, (stream.columns ?? 100) - 1).padEnd((stream.columns ?? 100) - 1)}${finished ? "\n" : ""}`)
    } else if (finished || elapsed - lastPrinted >= 1) {
      lastPrinted = elapsed
      stream.write(`${line}\n`)
    }
  }
}
