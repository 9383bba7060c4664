import { type BinaryOptions, findBinary } from './binaries.js';
import { freePort } from './free-port.js';
import { ManagedProcess } from './managed-process.js';
import { canConnect, waitReady } from './wait-ready.js';

/**
 * Starts Debian's `websockify` on 127.0.0.1 in front of a tcp port, so a websocket client
 * can reach ovsdb-server (which speaks no websocket itself). Resolves once it accepts.
 */
export async function startWebsockify(
  targetPort: number,
  options: { cwd: string; deadline: number; tls?: { cert: string; key: string } } & BinaryOptions,
): Promise<{ process: ManagedProcess; url: string }> {
  const path = await findBinary('websockify', options);
  const port = await freePort();
  // With a certificate, websockify speaks TLS (wss:) and only TLS (--ssl-only).
  const tlsArgs = options.tls ? [`--cert=${options.tls.cert}`, `--key=${options.tls.key}`, '--ssl-only'] : [];
  const process = ManagedProcess.start(path, [...tlsArgs, `127.0.0.1:${port}`, `127.0.0.1:${targetPort}`], {
    cwd: options.cwd,
  });
  try {
    await waitReady('websockify', [process], options.deadline, async () =>
      (await canConnect({ host: '127.0.0.1', port })) ? true : undefined,
    );
  } catch (error) {
    await process.stop();
    throw error;
  }
  return { process, url: `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${port}` };
}
