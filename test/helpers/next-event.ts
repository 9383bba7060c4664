import type { OvsdbClient } from '../../src/index.js';

/** Resolves with the next event of `name` whose arguments satisfy `accept`. */
export function nextEvent<A extends unknown[]>(
  client: OvsdbClient,
  name: 'update' | 'update2' | 'update3' | 'locked' | 'stolen' | 'monitorCanceled',
  accept: (...args: A) => boolean = () => true,
  timeoutMs = 5000,
): Promise<A> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(name, listener);
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: unknown[]) => {
      if (!accept(...(args as A))) return;
      clearTimeout(timer);
      client.off(name, listener);
      resolve(args as A);
    };
    client.on(name, listener);
  });
}
