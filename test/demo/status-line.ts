// The demo's terminal output: lines that stay, and on a terminal one status line under them that
// is rewritten in place (the build's progress). Elsewhere (CI logs, a pipe) the status is printed
// as a line of its own every minute instead.

/** Lines that stay, plus one status line that changes. */
export class StatusLine {
  private readonly out: NodeJS.WriteStream;
  private status = '';
  private lastPrinted = 0;
  constructor(out: NodeJS.WriteStream = process.stdout) {
    this.out = out;
  }

  /** Prints a line that stays. */
  log(line: string): void {
    if (this.out.isTTY && this.status) this.out.write('\r\x1b[K');
    this.out.write(`${line}\n`);
    if (this.out.isTTY && this.status) this.out.write(this.status);
  }

  /** Sets the status line (on a terminal at once; elsewhere at most once a minute). */
  show(status: string, nowMs = Date.now()): void {
    if (this.out.isTTY) {
      this.status = `  ${status}`.slice(0, Math.max(20, (this.out.columns ?? 100) - 1));
      this.out.write(`\r\x1b[K${this.status}`);
    } else if (nowMs - this.lastPrinted >= 60_000) {
      this.lastPrinted = nowMs;
      this.out.write(`  ${status}\n`);
    }
  }

  /** Removes the status line. */
  clear(): void {
    if (this.out.isTTY && this.status) this.out.write('\r\x1b[K');
    this.status = '';
  }
}
