/**
 * A reply whose big parts are still unparsed, the form a big monitor reply (a database's
 * initial contents) arrives in: the layer that reads the connection (src/rpc) makes it, and
 * the replica applies its rows one at a time, each parsed only then. Only the shape is here,
 * so that the replica needs nothing of the reading layer.
 */

/** A JSON object of a lazily parsed reply (one table's rows), read member by member. */
export interface LazyObject {
  /** Number of members. */
  readonly size: number;
  /** The key of member `k`. */
  key(k: number): string;
  /** The value of member `k`, parsed now. */
  value(k: number): unknown;
  /** The value of member `k`, parsed over several turns (for a huge one), awaiting `turn` between them. */
  valueInPieces(k: number, turn: () => Promise<void>): Promise<unknown>;
  /** The size of member `k`'s value in the reply, in bytes (known before parsing it). */
  valueBytes(k: number): number;
}

/**
 * A reply whose big parts are still unparsed: `root` is the outline, in which the deep values
 * are placeholders; `resolve` turns one into its value (a big object into a {@link LazyObject}).
 */
export interface LazyReply {
  readonly lazy: true;
  readonly root: unknown;
  resolve(value: unknown): unknown;
  /** Number of values still unparsed in the outline. */
  readonly count: number;
  /** Size of the reply, in bytes. */
  readonly bytes: number;
  /** Bytes still to parse behind `value` when it is a placeholder; 0 otherwise. */
  bytesOf(value: unknown): number;
  /** Like `resolve`, but a huge value is parsed over several turns, awaiting `turn` between them. */
  resolveInPieces(value: unknown, turn: () => Promise<void>): Promise<unknown>;
}

// Parsed JSON holds no functions, so a method tells the lazy forms apart from plain replies.

/** True when `value` is a {@link LazyReply} rather than a reply parsed whole. */
export function isLazyReply(value: unknown): value is LazyReply {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { lazy?: unknown }).lazy === true &&
    typeof (value as { resolve?: unknown }).resolve === 'function'
  );
}

/** True when `value` is a {@link LazyObject} rather than a plain object. */
export function isLazyObject(value: unknown): value is LazyObject {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { valueInPieces?: unknown }).valueInPieces === 'function'
  );
}
