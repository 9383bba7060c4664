/**
 * An ACL spec checked and turned into the column values of its NB `ACL` row, refusing what
 * the server's schema, ovn-nbctl or OVN's match parser would refuse, before anything is built.
 */
import { TableNotReplicatedError } from '../cache/replica-events.js';
import type { AddressSet } from '../generated/nb/index.js';
import { checkMatch, InvalidMatchError, type MatchOptions } from './expr/index.js';
import type { NbReplica } from './nb-lookup.js';
import { InvalidSpecError } from './ovn-errors.js';
import { checkStringMap, ownedExternalIds } from './spec-checks.js';

/** Which way the traffic an ACL judges goes, seen from the logical port. */
export type AclDirection = 'from-lport' | 'to-lport';

/**
 * What an ACL does with the traffic it matches. `pass` (hand over to the next tier) exists only
 * in schemas that have `ACL.tier`, which NB 7.0.0 (OVN 23.03) and the generated model have not:
 * it is refused with {@link InvalidSpecError}.
 */
export type AclAction = 'allow' | 'allow-related' | 'allow-stateless' | 'drop' | 'reject' | 'pass';

/** The log severities OVN knows. */
export type AclSeverity = 'alert' | 'warning' | 'notice' | 'info' | 'debug';

/** An ACL to write. */
export interface AclSpec {
  readonly direction: AclDirection;
  /** 0..32767; higher is evaluated first. */
  readonly priority: number;
  /**
   * An OVN match on a logical switch's pipeline, stored as given; refused when OVN's parser
   * would refuse it. `$set` and `@group` references are allowed (see docs/ovn-expressions.md).
   */
  readonly match: string;
  readonly action: AclAction;
  /** Log matching packets. @default true when severity, name or meter is given (as ovn-nbctl), else false */
  readonly log?: boolean;
  readonly severity?: AclSeverity;
  /** At most 63 characters (the schema's limit); shown in the log. */
  readonly name?: string;
  /** The NB Meter that rate-limits this ACL's log messages. */
  readonly meter?: string;
  /** 0..4294967295, only for allow and allow-related (as ovn-nbctl): written to conntrack. */
  readonly label?: number;
  /** Only when the server's schema has ACL.tier (NB 7.0.0 has not): else {@link InvalidSpecError}. */
  readonly tier?: number;
  /** `options` column (`apply-after-lb`, `log-related`, ...). */
  readonly options?: Readonly<Record<string, string>>;
  /** Written into the row's external_ids; `vendor` defaults to `kube-ovn`. */
  readonly externalIds?: Readonly<Record<string, string>>;
}

/** The highest ACL priority the schema accepts. */
export const MAX_ACL_PRIORITY = 32767;
/** The longest ACL name the schema accepts (characters). */
export const MAX_ACL_NAME_LENGTH = 63;
/** The highest ACL label the schema accepts. */
export const MAX_ACL_LABEL = 4294967295;
/** The highest tier OVN evaluates (tiers 0..3), on servers that have the column. */
export const MAX_ACL_TIER = 3;

const DIRECTIONS: readonly string[] = ['from-lport', 'to-lport'];
const ACTIONS: readonly string[] = ['allow', 'allow-related', 'allow-stateless', 'drop', 'reject', 'pass'];
const SEVERITIES: readonly string[] = ['alert', 'warning', 'notice', 'info', 'debug'];
const LABELLED_ACTIONS: readonly string[] = ['allow', 'allow-related'];

/** The column values of an ACL row, checked. */
export interface AclColumns {
  readonly direction: AclDirection;
  readonly priority: number;
  readonly match: string;
  readonly action: AclAction;
  readonly log: boolean;
  readonly severity: AclSeverity | undefined;
  readonly name: string | undefined;
  readonly meter: string | undefined;
  readonly label: number;
  readonly tier: number | undefined;
  readonly options: Record<string, string>;
  readonly external_ids: Record<string, string>;
}

/** A spec's identity within its parent: (direction, priority, match), as ovn-nbctl's acl-add. */
export function aclIdentity(acl: { direction: string; priority: number; match: string }): string {
  return `${acl.direction}\u0000${acl.priority}\u0000${acl.match}`;
}

/** The match options of a switch's pipeline, built once per call (see {@link switchMatchOptions}). */
export type MatchOptionsSource = () => MatchOptions;

/**
 * What a match on a switch may refer to: the address sets `nb` holds, their addresses checked
 * like constants; a `$name` it does not hold may be created later (or be ovn-northd's
 * `<port group>_ip4`), so it is not refused; `@name` is not resolved, since a port group
 * created in the same transaction is not in the replica yet.
 */
export function switchMatchOptions(nb: NbReplica): MatchOptionsSource {
  let options: MatchOptions | undefined;
  return () => {
    if (options !== undefined) return options;
    let rows: AddressSet[] = [];
    try {
      rows = nb.list('Address_Set');
    } catch (error) {
      if (!(error instanceof TableNotReplicatedError)) throw error;
      options = { unlistedAddressSets: 'unknown' };
      return options;
    }
    options = {
      unlistedAddressSets: 'unknown',
      addressSets: new Map(rows.map((row) => [row.name, row.addresses])),
    };
    return options;
  };
}

/** `value` as an ACL priority. @throws {@link InvalidSpecError} naming `field` outside 0..32767. */
export function checkAclPriority(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_ACL_PRIORITY)
    throw new InvalidSpecError(field, value, `the priority is an integer from 0 to ${MAX_ACL_PRIORITY}`);
  return value;
}

/** `value` as an ACL direction. @throws {@link InvalidSpecError} naming `field` for anything else. */
export function checkAclDirection(value: unknown, field: string): AclDirection {
  if (typeof value !== 'string' || !DIRECTIONS.includes(value))
    throw new InvalidSpecError(field, value, 'the direction is from-lport or to-lport');
  return value as AclDirection;
}

/** A non-empty match text, not parsed (deleting by match must work for matches OVN refuses). */
export function checkMatchText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidSpecError(field, value, 'the match is a non-empty OVN expression');
  return value;
}

function checkSwitchMatch(value: unknown, field: string, options: MatchOptionsSource): string {
  const text = checkMatchText(value, field);
  try {
    return checkMatch(text, text.includes('$') ? options() : { unlistedAddressSets: 'unknown' });
  } catch (error) {
    if (!(error instanceof InvalidMatchError)) throw error;
    throw new InvalidSpecError(field, text, `not a valid OVN match: ${error.reason} (at ${error.position})`, {
      cause: error,
    });
  }
}

function optionalString(value: unknown, field: string, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new InvalidSpecError(field, value, `${what} is a non-empty string`);
  return value;
}

function checkInteger(value: unknown, field: string, max: number, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
    throw new InvalidSpecError(field, value, `${what} is an integer from 0 to ${max}`);
  return value;
}

/**
 * The checked columns of `spec`; `at(name)` gives a field's path. `extraIds` (a `setAcls`
 * owner) are written last, so they always hold.
 * @throws {@link InvalidSpecError} naming the field and value.
 */
export function aclColumns(
  nb: NbReplica,
  spec: AclSpec,
  at: (field: string) => string,
  matchOptions: MatchOptionsSource,
  extraIds: Readonly<Record<string, string>> = {},
): AclColumns {
  if (typeof spec !== 'object' || spec === null)
    throw new InvalidSpecError(at('').replace(/\.$/, ''), spec, 'an ACL spec object');
  const direction = checkAclDirection(spec.direction, at('direction'));
  const priority = checkAclPriority(spec.priority, at('priority'));
  if (typeof spec.action !== 'string' || !ACTIONS.includes(spec.action))
    throw new InvalidSpecError(at('action'), spec.action, `the action is one of ${ACTIONS.join(', ')}`);
  const action = spec.action;
  const tiered = nb.has('ACL', 'tier');
  if (action === 'pass')
    throw new InvalidSpecError(
      at('action'),
      action,
      tiered
        ? 'the generated ovndb/nb model (NB 7.0.0) cannot hold the pass action this server has: generate a model from its schema'
        : "the server's schema has no pass action: it came with ACL tiers, and its ACL table has no tier column (NB 7.0.0, OVN 23.03)",
    );
  if (spec.tier !== undefined && !tiered)
    throw new InvalidSpecError(
      at('tier'),
      spec.tier,
      "the server's schema has no ACL.tier column (NB 7.0.0, OVN 23.03, has none); leave tier out",
    );
  const tier = checkInteger(spec.tier, at('tier'), MAX_ACL_TIER, 'the tier');
  if (
    spec.severity !== undefined &&
    (typeof spec.severity !== 'string' || !SEVERITIES.includes(spec.severity))
  )
    throw new InvalidSpecError(
      at('severity'),
      spec.severity,
      `the severity is one of ${SEVERITIES.join(', ')}`,
    );
  const severity = spec.severity;
  const name = optionalString(spec.name, at('name'), 'the name');
  if (name !== undefined && [...name].length > MAX_ACL_NAME_LENGTH)
    throw new InvalidSpecError(at('name'), name, `the name has at most ${MAX_ACL_NAME_LENGTH} characters`);
  const meter = optionalString(spec.meter, at('meter'), 'the meter');
  if (spec.log !== undefined && typeof spec.log !== 'boolean')
    throw new InvalidSpecError(at('log'), spec.log, 'log is true or false');
  const label = checkInteger(spec.label, at('label'), MAX_ACL_LABEL, 'the label') ?? 0;
  if (label !== 0 && !LABELLED_ACTIONS.includes(action))
    throw new InvalidSpecError(
      at('label'),
      label,
      'a label is only written with the actions allow and allow-related',
    );
  const options = checkStringMap(spec.options, at('options'));
  const external_ids = { ...ownedExternalIds(spec.externalIds, at('externalIds')), ...extraIds };
  // Parsed last: the costliest check, and the one most likely to be reported with others fixed.
  const match = checkSwitchMatch(spec.match, at('match'), matchOptions);
  const log = spec.log ?? (severity !== undefined || name !== undefined || meter !== undefined);
  return {
    direction,
    priority,
    match,
    action,
    log,
    severity,
    name,
    meter,
    label,
    tier,
    options,
    external_ids,
  };
}
