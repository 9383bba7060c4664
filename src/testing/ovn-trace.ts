/**
 * `ovn-trace` against a sandbox's Southbound database: where northd's logical flows send a
 * packet, as a verdict a test can assert (delivered to a port, or dropped at a stage).
 */
import { type BinaryOptions, findBinary } from './binaries.js';
import type { OvnSandbox } from './ovn-sandbox.js';
import { OvnTraceError } from './ovn-testing-errors.js';
import { type ParsedTrace, parseOvnTrace, type TraceEvent, type TraceVerdict } from './ovn-trace-parse.js';
import { runCommand } from './run-command.js';

export { type ParsedTrace, parseOvnTrace, type TraceEvent, type TraceVerdict };

/** Options of {@link ovnTrace}. */
export interface OvnTraceOptions extends BinaryOptions {
  /**
   * Wait for northd to process the current Northbound state first, so the trace sees what
   * the test just wrote (skipped when the sandbox runs without northd). @default true
   */
  waitForNorthd?: boolean;
  /** Connection-tracking states for successive `ct_next` actions (`--ct=` flags, e.g. `new`, `est`). */
  ct?: string[];
  /**
   * The backend a load balancer's `ct_lb` picks (`--lb-dst=IP[:PORT]`), e.g. `10.0.0.5:80`;
   * without it ovn-trace takes one of the VIP's backends itself.
   */
  lbDst?: string;
  /** Deadline for ovn-trace (and for northd to catch up). @default 10000 */
  timeoutMs?: number;
}

/** The trace as ovn-trace printed it and what the parser read from it. */
export interface OvnTraceResult extends ParsedTrace {
  /** ovn-trace's detailed output. */
  readonly text: string;
}

/**
 * Runs `ovn-trace --db=<sandbox.sbRemote> DATAPATH MICROFLOW` and parses the detailed trace.
 * `microflow` is an OVN match expression naming the inport, e.g.
 * `inport == "vm1" && eth.src == 00:00:00:00:00:01 && eth.dst == 00:00:00:00:01:01 && ip4.src
 * == 10.0.0.2 && ip4.dst == 10.0.1.2 && ip.ttl == 64`. Rejects with {@link OvnTraceError} when
 * ovn-trace refuses it (unknown datapath or port, unparsable microflow).
 */
export async function ovnTrace(
  sandbox: Pick<OvnSandbox, 'sbRemote' | 'northdLogPath' | 'waitForNorthd'>,
  datapath: string,
  microflow: string,
  options: OvnTraceOptions = {},
): Promise<OvnTraceResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if ((options.waitForNorthd ?? true) && sandbox.northdLogPath !== undefined) {
    await sandbox.waitForNorthd(timeoutMs);
  }
  const path = await findBinary('ovn-trace', options);
  const args = [
    `--db=${sandbox.sbRemote}`,
    ...(options.ct ?? []).map((state) => `--ct=${state}`),
    ...(options.lbDst === undefined ? [] : [`--lb-dst=${options.lbDst}`]),
  ];
  let text: string;
  try {
    text = await runCommand(path, [...args, datapath, microflow], { timeoutMs });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? error).trim();
    throw new OvnTraceError(datapath, microflow, stderr, error);
  }
  // ovn-trace reports these on stdout and exits 0.
  const refusal = /^(unknown datapath .*|error parsing flow: .*)$/m.exec(text);
  if (refusal !== null || !text.startsWith('# ')) {
    throw new OvnTraceError(datapath, microflow, refusal?.[1] ?? `unexpected output: ${text.slice(0, 200)}`);
  }
  return { text, ...parseOvnTrace(text) };
}
