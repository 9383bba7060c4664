/** Anything with eventemitter3's (or node's) on/off: a client, a session, a replica. */
interface Emitter {
  // biome-ignore lint/suspicious/noExplicitAny: each emitter types its own event names and arguments
  on(name: any, listener: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  off(name: any, listener: (...args: any[]) => void): unknown;
}

/** Resolves with the next event of `name` whose arguments satisfy `accept`. */
export function nextEvent<A extends unknown[]>(
  client: Emitter,
  name: string,
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
