/**
 * The RFC 7047 wire notation, as JSON values. These are the shapes that travel in
 * `transact` params and come back in results and updates; they carry no schema.
 */

/** A UUID in its 36-character text form. */
export type UuidString = string;

/** `["uuid", "<36 chars>"]` */
export type WireUuid = ['uuid', UuidString];
/** `["named-uuid", "<id>"]`: a reference to a row inserted earlier in the same transaction. */
export type WireNamedUuid = ['named-uuid', string];
/** An atom: integer, real, boolean, string, uuid or named-uuid. */
export type WireAtom = number | boolean | string | WireUuid | WireNamedUuid;
/** `["set", [atom, ...]]`. A set of exactly one element may also travel as the bare atom. */
export type WireSet = ['set', WireAtom[]];
/** `["map", [[key, value], ...]]` */
export type WireMap = ['map', [WireAtom, WireAtom][]];
/** Any column value on the wire. */
export type WireValue = WireAtom | WireSet | WireMap;
/** A row (or partial row) on the wire: column name to value. */
export type WireRow = Record<string, WireValue>;
