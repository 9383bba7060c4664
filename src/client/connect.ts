/** Opening a client: remote string -> transport -> rpc connection -> {@link OvsdbClient}. */
import { OvndbError } from '../errors.js';
import { RpcConnection } from '../rpc/connection.js';
import { openTransport } from '../transport/index.js';
import { formatRemote, parseRemoteList } from '../transport/remote.js';
import { OvsdbClient } from './client.js';
import { type ClientOptions, defaultClientOptions, resolveClientOptions } from './options.js';
import { CountingTransport, countFor } from './received-bytes.js';

/** No remote of a list could be reached; `errors` holds each remote's failure, in order. */
export class NoRemoteReachableError extends OvndbError {
  readonly errors: readonly Error[];
  constructor(remotes: readonly string[], errors: readonly Error[]) {
    super(
      'OVNDB_NO_REMOTE_REACHABLE',
      `could not connect to any of ${remotes.join(', ')}: ${errors.map((e) => e.message).join('; ')}`,
      { cause: errors[errors.length - 1] },
    );
    this.errors = errors;
  }
}

/**
 * Connects to an OVSDB server. `remote` is in Open vSwitch notation: `unix:/run/ovn/ovnnb_db.sock`,
 * `tcp:127.0.0.1:6641`, `tcp:[::1]:6641`, `ssl:10.0.0.1:6641` (with `tls` options), or a
 * `ws://`/`wss://` URL. A comma-separated list is tried in order until one remote answers.
 *
 * @example
 * ```ts
 * const client = await connect('unix:/run/ovn/ovnnb_db.sock');
 * console.log(await client.listDbs());
 * await client.close();
 * ```
 */
export async function connect(remote: string, options: ClientOptions = {}): Promise<OvsdbClient> {
  const resolved = resolveClientOptions(options);
  const remotes = parseRemoteList(remote);
  const errors: Error[] = [];
  for (const candidate of remotes) {
    const text = formatRemote(candidate);
    try {
      const transport = new CountingTransport(
        await openTransport(candidate, {
          connectTimeoutMs: resolved.connectTimeoutMs,
          ...(resolved.tls ? { tls: resolved.tls } : {}),
          ...(resolved.ws ? { ws: resolved.ws } : {}),
          ...(resolved.signal ? { signal: resolved.signal } : {}),
        }),
      );
      const rpc = new RpcConnection(transport, {
        maxFrameBytes: resolved.maxFrameBytes,
        maxInFlight: resolved.maxInFlight,
        replyTimeoutMs: resolved.requestTimeoutMs,
        ...(resolved.maxParseCostFactor !== undefined
          ? { maxParseCostFactor: resolved.maxParseCostFactor }
          : {}),
        ...(resolved.frameWindowMs !== undefined ? { frameWindowMs: resolved.frameWindowMs } : {}),
        ...(resolved.minFrameBytes !== undefined ? { minFrameBytes: resolved.minFrameBytes } : {}),
        probeIntervalMs:
          resolved.probeIntervalMs ?? (candidate.kind === 'unix' ? 0 : defaultClientOptions.probeIntervalMs),
        ...(resolved.trace ? { trace: resolved.trace } : {}),
        ...(resolved.logger ? { logger: resolved.logger } : {}),
      });
      resolved.logger?.info('connected', { remote: text });
      const client = OvsdbClient.create(rpc, text, resolved);
      countFor(client, transport);
      return client;
    } catch (error) {
      errors.push(error as Error);
      resolved.logger?.warn('connect failed', { remote: text, error: (error as Error).message });
      if (resolved.signal?.aborted) break;
    }
  }
  if (errors.length === 1) throw errors[0];
  throw new NoRemoteReachableError(
    remotes.map((r) => formatRemote(r)),
    errors,
  );
}
