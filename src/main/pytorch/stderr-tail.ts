/** The last lines a process wrote (its traceback, when it crashes), for the run's failure message. */
export class StderrTail {
  private lines: string[] = []
  constructor(private readonly keep: number) {}

  push(line: string): void {
    // A progress bar redraws one line with carriage returns: keep what it shows last.
    const shown = line.slice(line.lastIndexOf('\r') + 1)
    this.lines.push(shown.length > 500 ? `${shown.slice(0, 500)}…` : shown)
    if (this.lines.length > this.keep) this.lines.shift()
  }

  text(): string {
    return this.lines.join('\n').trim()
  }
}
