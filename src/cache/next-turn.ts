/**
 * One turn of the event loop: awaited between slices of a big monitor reply, so that timers and
 * I/O run while a large database is applied.
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
