/**
 * The key under which a generated `Tables` interface lists the schema's indexes of each table,
 * so that a replica's typed look-ups (`Replica.find`) know them from the table map alone. The
 * member is a phantom: no table map holds it at runtime. A symbol, so that it can never be
 * mistaken for a table name.
 */
export const schemaIndexes: unique symbol = Symbol('ovndb.schemaIndexes');
