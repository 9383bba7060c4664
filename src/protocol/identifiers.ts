/** The two text forms OVSDB checks everywhere: UUIDs, and <id>s (uuid-names, lock names, table names). */

/** A UUID in its 36-character text form, either case. */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** An RFC 7047 <id>: letters, digits and underscores, not starting with a digit. */
export const ID_PATTERN = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
