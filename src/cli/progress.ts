/**
 * Progress of a long run on stderr: a redrawn bar with rate and time left on a terminal, one plain
 * line per step elsewhere (CI logs).
 */
export class Progress {
  private readonly started = performance.now();
  private readonly interactive: boolean;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.interactive = Boolean(stream.isTTY) && !process.env.CI;
  }

  update(done: number, total: number, detail: string): void {
    const seconds = (performance.now() - this.started) / 1000;
    const rate = done / Math.max(seconds, 1e-9);
    const left = rate > 0 ? (total - done) / rate : Number.NaN;
    const timing = `${rate.toFixed(2)}/s, ${formatSeconds(seconds)} elapsed, ${Number.isFinite(left) ? formatSeconds(left) : '?'} left`;
    if (this.interactive) {
      const width = 24;
      const filled = Math.round((width * done) / Math.max(total, 1));
      const line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${timing}  ${detail}`;
      this.stream.write(
        `\r${line.slice(0, (this.stream.columns ?? 120) - 1).padEnd((this.stream.columns ?? 120) - 1)}`,
      );
      if (done === total) this.stream.write('\n');
    } else {
      this.stream.write(`${this.label} ${done}/${total} (${timing}) ${detail}\n`);
    }
  }

  finish(): void {
    if (this.interactive) this.stream.write('\n');
  }
}

function formatSeconds(s: number): string {
  return s < 90
    ? `${s.toFixed(0)}s`
    : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}
