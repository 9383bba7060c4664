/**
 * Index look-ups as types: which index names `Replica.find` accepts for a table, and which
 * values each takes (one per part of its key, typed by the row's column). The schema's indexes
 * come with a generated table map (its phantom `schemaIndexes` member); the client's come from
 * the `indexes` a replica was started with, kept as literal types. A table map that is not
 * generated (rows as plain records) accepts any name and any values: the replica still checks
 * them at run time.
 */
import type { schemaIndexes } from '../model/schema-indexes.js';
import type { IndexPart } from './row-index.js';

/** Indexes by table: index name -> the parts of its key, in order. */
export type IndexDeclarations = {
  readonly [table: string]: { readonly [index: string]: ReadonlyArray<IndexPart> };
};

/** No client indexes: the default of `Replica<T, I>`'s `I`. */
export type NoClientIndexes = Record<never, never>;

// Only generated table maps have the phantom key; plain records have no symbol keys at all.
type IsGenerated<T> = typeof schemaIndexes extends keyof T ? true : false;

/** The schema's indexes a generated table map carries. */
type SchemaIndexesOf<T> = T extends { readonly [schemaIndexes]?: infer S } ? NonNullable<S> : never;

/** The index names `M` gives table `K`. */
type NamesIn<M, K> = K extends keyof M ? keyof M[K] & string : never;

/** The parts `M` gives index `N` of table `K`. */
type PartsIn<M, K, N> = K extends keyof M ? (N extends keyof M[K] ? M[K][N] : never) : never;

/**
 * The client indexes a replica's options declare, by table (the `I` of `Replica<T, I>`). Kept
 * literal when the options were written in the call (or `as const`); options typed only as
 * `ReplicaOptions` declare indexes of any name.
 */
export type DeclaredIndexes<O> = O extends { readonly tables?: infer Tables }
  ? { -readonly [K in keyof NonNullable<Tables>]-?: DeclaredOnTable<NonNullable<Tables>[K]> }
  : NoClientIndexes;

// Distributes over the table's options (`true`, options with `indexes`, undefined); `true` is
// left out first, as a primitive matches an object type whose members are all optional.
type SpecsOf<TableOptions> = TableOptions extends object
  ? TableOptions extends { readonly indexes?: ReadonlyArray<infer S> }
    ? S
    : never
  : never;
// Specs are matched by shape: `IndexSpec<Row>` is not an `IndexSpec` to the compiler's variance
// check, which compares the row types rather than the parts.
type DeclaredOnTable<TableOptions> = {
  [S in SpecsOf<TableOptions> as S extends { readonly name: infer N extends string } ? N : never]: S extends {
    readonly columns: infer C;
  }
    ? C
    : never;
};

/**
 * The index names of table `K` on a `Replica<T, I>`: the schema's (columns joined with `+`) and
 * the client's. Any string for a table map that is not generated.
 */
export type IndexName<T, I, K extends string> =
  IsGenerated<T> extends true ? NamesIn<SchemaIndexesOf<T>, K> | NamesIn<I, K> : string;

/** The parts of index `N` of table `K`: a client index of that name first, then the schema's. */
type IndexParts<T, I, K, N> = [PartsIn<I, K, N>] extends [never]
  ? PartsIn<SchemaIndexesOf<T>, K, N>
  : PartsIn<I, K, N>;

/** The value a key part takes: the column's type, or the value type of a map column's key. */
type PartValue<Row, P> = P extends { readonly column: infer C; readonly key: string }
  ? C extends keyof Row
    ? MapValue<Row[C]>
    : unknown
  : P extends keyof Row
    ? Row[P]
    : unknown;
type MapValue<M> = M extends ReadonlyMap<unknown, infer V> ? V : M[keyof M];

/** One value per part, when the parts are known one by one. */
type ValuesOf<Row, Parts> =
  Parts extends ReadonlyArray<unknown>
    ? number extends Parts['length']
      ? unknown[]
      : { -readonly [P in keyof Parts]: PartValue<Row, Parts[P]> }
    : unknown[];

/**
 * The values `Replica.find` takes for index `N` of table `K`: one per part of the index's key,
 * each of the type of its column (or of the map's values, for a key of a map column).
 */
export type IndexValues<T, I, K extends keyof T, N> =
  IsGenerated<T> extends true ? ValuesOf<T[K], IndexParts<T, I, K, N>> : unknown[];
