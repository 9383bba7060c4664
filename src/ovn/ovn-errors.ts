/**
 * The typed failures of the OVN helpers. Each names what was wrong in the caller's terms (the
 * spec field and its value, or the table and name), and is thrown before anything is sent.
 */
import { OvndbError } from '../errors.js';

/**
 * A spec field has a value the helper refuses: a malformed CIDR, a next hop of the other
 * family, a priority out of range, a peering of a VPC with itself, ... Nothing was written.
 */
export class InvalidSpecError extends OvndbError {
  constructor(
    /** The field as the Kube-OVN CRD names it, with its path: `staticRoutes[1].nextHopIP`. */
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
    /** `cause`: what a parser below said (ip-address's `AddressError`), when one said something. */
    options: { readonly cause?: unknown } = {},
  ) {
    super('OVNDB_INVALID_SPEC', `${field} = ${valueText(value)}: ${reason}`, {
      details: { field, value, reason },
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
  }
}

/**
 * A YAML (or JSON) text the `yaml` package could not turn into plain data: a syntax error, a
 * duplicate key, an alias to no anchor or inside its own anchor, more alias expansions than
 * the reader allows (an alias bomb, "billion laughs"). Nothing was written.
 */
export class InvalidYamlError extends OvndbError {
  constructor(
    /** The document of the text (1 for the first, counting `---` separated documents). */
    readonly document: number,
    /** Line (1-based) of the failure, when the parser could place it. */
    readonly line: number | undefined,
    /** Column (1-based) of the failure, when the parser could place it. */
    readonly column: number | undefined,
    readonly reason: string,
    /** The `yaml` package's error code (`DUPLICATE_KEY`, `BAD_INDENT`, ...), or ours (`ALIAS_LIMIT`). */
    readonly yamlCode: string,
    options: { readonly cause?: unknown } = {},
  ) {
    const where = line === undefined ? '' : `, line ${line}, column ${column ?? 1}`;
    super('OVNDB_INVALID_YAML', `YAML document ${document}${where}: ${reason}`, {
      details: { document, line, column, reason, yamlCode },
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
  }
}

/** At most this many characters of a refused value are quoted in a message. */
const MAX_VALUE_TEXT = 200;

/**
 * The value as a message quotes it: JSON, cut short for a one-line message. A value given as
 * an object may be circular (JSON.stringify throws), and building the message must not be
 * what fails.
 */
function valueText(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return typeof value === 'object' ? '(an unprintable object)' : String(value);
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT)}...` : text;
}

/**
 * Several rows carry a name that should identify one (router and switch names have no schema
 * index, so OVN allows duplicates; ovn-nbctl refuses to guess, and so do we).
 */
export class DuplicateNameError extends OvndbError {
  constructor(
    readonly table: string,
    /** The name looked for (`name` is the error class's own). */
    readonly rowName: string,
    readonly uuids: readonly string[],
  ) {
    super(
      'OVNDB_DUPLICATE_NAME',
      `${uuids.length} rows of ${table} are named ${rowName}: ${uuids.join(', ')}`,
      {
        details: { table, name: rowName, uuids },
      },
    );
  }
}

/** The named row does not exist (and the call did not say `ifExists`). */
export class ObjectNotFoundError extends OvndbError {
  constructor(
    readonly table: string,
    /** The name looked for (`name` is the error class's own). */
    readonly rowName: string,
  ) {
    super('OVNDB_NOT_FOUND', `no row of ${table} is named ${rowName}`, { details: { table, name: rowName } });
  }
}

/** The named row already exists (and the call did not say `mayExist`). */
export class ObjectExistsError extends OvndbError {
  constructor(
    readonly table: string,
    /** The name looked for (`name` is the error class's own). */
    readonly rowName: string,
  ) {
    super('OVNDB_ALREADY_EXISTS', `a row of ${table} is already named ${rowName}`, {
      details: { table, name: rowName },
    });
  }
}

/**
 * Two entries of one list have the same identity, so each apply would replace the other's row
 * and the spec would never settle (two `spec.policyRoutes` with one priority and match).
 * Both entries are named; nothing was planned or written.
 */
export class DuplicatePolicyError extends OvndbError {
  constructor(
    /** The first entry's path: `spec.policyRoutes[0]`. */
    readonly first: string,
    /** The later entry's path: `spec.policyRoutes[3]`. */
    readonly second: string,
    readonly priority: number,
    readonly match: string,
  ) {
    super(
      'OVNDB_DUPLICATE_POLICY',
      `${first} and ${second} are both priority ${priority} match ${valueText(match)}: one policy per (priority, match)`,
      { details: { first, second, priority, match } },
    );
  }
}

/**
 * The named row exists but carries another owner's mark (or none): a helper that deletes a
 * Kube-OVN resource by name never deletes a row Kube-OVN did not write, `ifExists` or not.
 */
export class NotOwnedError extends OvndbError {
  constructor(
    readonly table: string,
    /** The name looked for (`name` is the error class's own). */
    readonly rowName: string,
    /** The row's `external_ids:vendor`, undefined when it has none. */
    readonly vendor: string | undefined,
  ) {
    super(
      'OVNDB_NOT_OWNED',
      `${table} ${rowName} is not Kube-OVN's (vendor ${vendor === undefined ? 'unset' : valueText(vendor)}): not deleted`,
      { details: { table, name: rowName, vendor } },
    );
  }
}

/**
 * A Vpc cannot be deleted while subnets (switches joined to its router) still use it, as
 * Kube-OVN refuses to delete a Vpc that has subnets. `switches` names them.
 */
export class VpcInUseError extends OvndbError {
  constructor(
    readonly vpc: string,
    /** The attached switches that block the deletion. */
    readonly switches: readonly string[],
  ) {
    super('OVNDB_VPC_IN_USE', `vpc ${vpc} still has subnets: ${switches.join(', ')}`, {
      details: { vpc, switches },
    });
  }
}
