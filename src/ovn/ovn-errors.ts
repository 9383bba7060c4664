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
  ) {
    super('OVNDB_INVALID_SPEC', `${field} = ${JSON.stringify(value)}: ${reason}`, {
      details: { field, value, reason },
    });
  }
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
