/**
 * A one-line progress bar on stderr while a benchmark runs (stdout carries the JSON lines
 * and tables). Drawn only on a terminal; elsewhere (CI logs, pipes) one plain line per step
 * every 10 % so a log still shows that the run moves.
 */

/** Where the bar is drawn; stderr by default. */
export interface ProgressSink {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** A progress bar for `total` steps. */
export class ProgressBar {
  #done = 0;
  #lastDecile = -1;
  readonly #started = Date.now();

  constructor(
    readonly total: number,
    readonly label: string,
    private readonly sink: ProgressSink = process.stderr,
  ) {}

  /** One step done; `what` names it (e.g. `unix W1 ovndb rep 3`). */
  tick(what: string): void {
    this.#done = Math.min(this.total, this.#done + 1);
    const fraction = this.total === 0 ? 1 : this.#done / this.total;
    const elapsed = (Date.now() - this.#started) / 1000;
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : 0;
    if (this.sink.isTTY === true) {
      const width = 24;
      const full = Math.round(fraction * width);
      const bar = `${'#'.repeat(full)}${'.'.repeat(width - full)}`;
      this.sink.write(
        `\r${this.label} [${bar}] ${this.#done}/${this.total} ${formatSeconds(eta)} left  ${what}`
          .padEnd(100)
          .slice(0, 100),
      );
      if (this.#done === this.total) this.sink.write('\n');
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== this.#lastDecile) {
      this.#lastDecile = decile;
      this.sink.write(
        `${this.label}: ${this.#done}/${this.total} (${Math.round(fraction * 100)} %), ${formatSeconds(eta)} left\n`,
      );
    }
  }
}

/** `75` as `1m15s`, `9` as `9s`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
