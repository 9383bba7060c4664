/** A failover drill's JSON line and the markdown table of several (npm run bench, bench:failover). */
import { type FailoverDrillResult, failoverTimings } from '../src/testing/index.js';
import { median } from './stats.js';

/** One repetition of the drill, as a JSON line's fields. */
export type FailoverLine = Record<string, number>;

/** The counts and percentiles of one drill. */
export function failoverLine(rep: number, drill: FailoverDrillResult): FailoverLine {
  const timings = failoverTimings(drill.kills);
  return {
    rep,
    kills: drill.kills.length,
    acknowledged: drill.acknowledged,
    lost: drill.lost,
    doubled: drill.doubled,
    unknown: drill.unknown,
    recovered: drill.recovered,
    leader_visible_p50_ms: timings.leaderVisibleMs.p50,
    kill_to_first_write_p50_ms: timings.killToFirstWriteMs.p50,
    kill_to_first_write_p90_ms: timings.killToFirstWriteMs.p90,
    first_write_after_leader_p90_ms: timings.firstWriteAfterLeaderVisibleMs.p90,
  };
}

/** The drills as one markdown row: counts are totals, times medians of each drill's percentiles. */
export function failoverTable(lines: readonly FailoverLine[], kills: number): string {
  const med = (key: string) => median(lines.map((r) => r[key] as number));
  const sum = (key: string) => lines.reduce((n, r) => n + (r[key] as number), 0);
  return [
    '| repetitions x kills | acknowledged | lost | doubled | unknown | settled after a lost reply | leader visible p50 | kill -> first write p50 / p90 | first write after leader visible p90 |',
    '|---|---|---|---|---|---|---|---|---|',
    `| ${lines.length} x ${kills} | ${sum('acknowledged')} | ${sum('lost')} | ${sum('doubled')} | ${sum('unknown')} | ${sum('recovered')} | ${med('leader_visible_p50_ms')} ms | ${med('kill_to_first_write_p50_ms')} / ${med('kill_to_first_write_p90_ms')} ms | ${med('first_write_after_leader_p90_ms')} ms |`,
  ].join('\n');
}
