/**
 * What the initial-monitor children measure about themselves: the longest event-loop block
 * while syncing, peak RSS, and one JSON line on stdout for the driver.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const TICK_MS = 5;

/** Records the longest gap between ticks of a 5 ms timer, and the loop delay histogram. */
export class LoopBlockProbe {
  private last = performance.now();
  private longest = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly histogram = monitorEventLoopDelay({ resolution: 1 });

  constructor() {
    this.histogram.enable();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.longest = Math.max(this.longest, now - this.last);
      this.last = now;
    }, TICK_MS);
  }

  /**
   * Stops and returns the longest gap minus the timer's own period (the time the loop could
   * not run the timer), and the histogram's max delay, both in ms.
   */
  stop(): { longest_block_ms: number; loop_delay_max_ms: number } {
    clearInterval(this.timer);
    this.histogram.disable();
    const now = performance.now();
    const longest = Math.max(this.longest, now - this.last);
    return {
      longest_block_ms: +Math.max(0, longest - TICK_MS).toFixed(1),
      loop_delay_max_ms: +(this.histogram.max / 1e6).toFixed(1),
    };
  }
}

/** Megabytes, one decimal. */
export const mb = (bytes: number): number => +(bytes / 1048576).toFixed(1);

/** Peak resident set size of this process so far, in MB (getrusage ru_maxrss). */
export const peakRssMb = (): number => mb(process.resourceUsage().maxRSS * 1024);

/** Seconds between two `performance.now()` readings, three decimals. */
export const seconds = (from: number, to: number): number => +((to - from) / 1000).toFixed(3);

/** Runs the collector if `--expose-gc` gave one, so every child starts from a collected heap. */
export function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Prints the child's one JSON line. */
export function report(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
