/**
 * The longest event-loop block of a scale-bench child, with the CPU time spent in it: a 2 ms
 * timer notes wall and `process.cpuUsage()` at every tick; the longest gap between ticks
 * (minus the timer's period) is the block, and the CPU used during that gap says how much of
 * it was this process's work rather than waiting for a core. The loop-delay histogram's max
 * is reported beside it.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const TICK_MS = 2;

/** What {@link ScaleLoopProbe.stop} reports. */
export interface LoopBlock {
  longest_block_ms: number;
  longest_block_cpu_ms: number;
  loop_delay_max_ms: number;
  cpu_ms: number;
}

export class ScaleLoopProbe {
  private lastWall = performance.now();
  private lastCpu = cpuMs();
  private readonly cpu0 = this.lastCpu;
  private longest = 0;
  private longestCpu = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly histogram = monitorEventLoopDelay({ resolution: 1 });

  constructor() {
    this.histogram.enable();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    const wall = performance.now();
    const cpu = cpuMs();
    if (wall - this.lastWall > this.longest) {
      this.longest = wall - this.lastWall;
      this.longestCpu = cpu - this.lastCpu;
    }
    this.lastWall = wall;
    this.lastCpu = cpu;
  }

  stop(): LoopBlock {
    this.tick();
    clearInterval(this.timer);
    this.histogram.disable();
    return {
      longest_block_ms: +Math.max(0, this.longest - TICK_MS).toFixed(1),
      longest_block_cpu_ms: +this.longestCpu.toFixed(1),
      loop_delay_max_ms: +(this.histogram.max / 1e6).toFixed(1),
      cpu_ms: Math.round(cpuMs() - this.cpu0),
    };
  }
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Resident set size now, in bytes. */
export const rssBytes = (): number => process.memoryUsage.rss();
