/**
 * ACLs of a logical switch or of a port group (Kube-OVN's NetworkPolicy, SecurityGroup and
 * Subnet `acls`/`allowSubnets`), built as operations.
 *
 * An ACL's identity within its parent is (direction, priority, match), as in ovn-nbctl's
 * acl-add. ACL rows are not root rows: a switch or a port group holds them (`acls`), and a row
 * no parent holds any more is deleted by the server, so removing an ACL is a mutate of its
 * parent, and deleting a port group deletes its ACLs.
 */
import type { ACL, LogicalSwitch, PortGroup } from '../generated/nb/index.js';
import { ACLTable, LogicalSwitchTable, PortGroupTable } from '../generated/nb/index.js';
import { mutateColumn, whereColumn } from '../model/typed-clauses.js';
import { insertRow, mutateRows, updateRows } from '../model/typed-ops.js';
import type { Uuid } from '../model/uuid.js';
import { CLEAR, type NamedRef, type RowWrite } from '../model/write-markers.js';
import { isJsonObject } from '../protocol/json-members.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import {
  type AclColumns,
  type AclDirection,
  type AclSpec,
  aclColumns,
  aclIdentity,
  checkAclDirection,
  checkAclPriority,
  checkMatchText,
  switchMatchOptions,
} from './acl-spec.js';
import { type NbHandle, type NbReplica, type NbTarget, planNb, requireNamed } from './nb-lookup.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from './ovn-errors.js';
import { checkStringMap } from './spec-checks.js';
import { nextUuidName } from './uuid-names.js';

export {
  type AclAction,
  type AclDirection,
  type AclSeverity,
  type AclSpec,
  aclIdentity,
  MAX_ACL_LABEL,
  MAX_ACL_NAME_LENGTH,
  MAX_ACL_PRIORITY,
  MAX_ACL_TIER,
} from './acl-spec.js';

/** Where ACLs live: a Logical_Switch, or a Port_Group (the ACL then applies to its ports). */
export type AclParent = { readonly switch: string } | { readonly portGroup: string };

/** Options of {@link addAcl}. */
export interface AddAclOptions {
  /**
   * When an ACL with the same direction, priority and match exists: bring it to the spec (its
   * external_ids merged) instead of throwing {@link ObjectExistsError}. (`ovn-nbctl --may-exist
   * acl-add` leaves it as it is.)
   */
  readonly mayExist?: boolean;
  /** Path of the spec in the caller's terms: errors then name `<field>.priority`. */
  readonly field?: string;
}

/** Which ACLs of a parent {@link deleteAcls} removes; all of them when empty. */
export interface AclSelector {
  readonly direction?: AclDirection;
  readonly priority?: number;
  /** Compared as text, not parsed: an ACL another tool wrote with a bad match can be deleted. */
  readonly match?: string;
}

/** Options of {@link deleteAcls}. */
export interface DeleteAclsOptions {
  /** A selector with a priority matching nothing: no operations instead of {@link ObjectNotFoundError}. */
  readonly ifExists?: boolean;
}

/** Options of {@link setAcls}. */
export interface SetAclsOptions {
  /**
   * The external_ids pairs that mark the ACLs this call owns on the parent (`{ np: 'ns/name' }`):
   * written into every row it writes, and only rows carrying all of them are updated or
   * removed. At least one pair.
   */
  readonly owner: Readonly<Record<string, string>>;
  /** Path of the list in the caller's terms: errors then name `<field>[3].match`. @default 'acls' */
  readonly field?: string;
}

interface ParentRow {
  readonly table: 'Logical_Switch' | 'Port_Group';
  readonly row: LogicalSwitch | PortGroup;
  readonly text: string;
}

function resolveParent(nb: NbReplica, parent: AclParent): ParentRow {
  const p = parent as { switch?: unknown; portGroup?: unknown };
  if (!isJsonObject(parent) || (p.switch === undefined) === (p.portGroup === undefined))
    throw new InvalidSpecError('parent', parent, 'either { switch: name } or { portGroup: name }');
  if (p.switch !== undefined) {
    if (typeof p.switch !== 'string' || p.switch === '')
      throw new InvalidSpecError('parent.switch', p.switch, 'a switch name');
    return {
      table: 'Logical_Switch',
      row: requireNamed(nb, 'Logical_Switch', p.switch),
      text: `switch ${p.switch}`,
    };
  }
  if (typeof p.portGroup !== 'string' || p.portGroup === '')
    throw new InvalidSpecError('parent.portGroup', p.portGroup, 'a port group name');
  return {
    table: 'Port_Group',
    row: requireNamed(nb, 'Port_Group', p.portGroup),
    text: `port group ${p.portGroup}`,
  };
}

function parentAcls(nb: NbReplica, parent: ParentRow): ACL[] {
  const out: ACL[] = [];
  for (const uuid of parent.row.acls) {
    const row = nb.get('ACL', uuid);
    if (row !== undefined) out.push(row);
  }
  return out;
}

/** One mutate of the parent's `acls`: removals first, then insertions. */
function parentMutation(
  parent: ParentRow,
  remove: readonly Uuid<'ACL'>[],
  add: readonly NamedRef<'ACL'>[],
): Operation[] {
  if (remove.length === 0 && add.length === 0) return [];
  const mutations = [
    ...(remove.length > 0 ? [mutateColumn<LogicalSwitch, 'acls', 'delete'>('acls', 'delete', remove)] : []),
    ...(add.length > 0 ? [mutateColumn<LogicalSwitch, 'acls', 'insert'>('acls', 'insert', add)] : []),
  ];
  return parent.table === 'Logical_Switch'
    ? [
        mutateRows(
          LogicalSwitchTable,
          [whereColumn('_uuid', '==', parent.row._uuid as Uuid<'Logical_Switch'>)],
          mutations,
        ),
      ]
    : [
        mutateRows(
          PortGroupTable,
          [whereColumn('_uuid', '==', parent.row._uuid as Uuid<'Port_Group'>)],
          mutations as never,
        ),
      ];
}

/** The row to write (`pass` never reaches here: the model cannot hold it). */
function wireRow(columns: AclColumns): RowWrite<ACL> {
  return {
    direction: columns.direction,
    priority: columns.priority,
    match: columns.match,
    action: columns.action as ACL['action'],
    log: columns.log,
    label: columns.label,
    options: columns.options,
    external_ids: columns.external_ids,
    ...(columns.severity !== undefined ? { severity: columns.severity } : {}),
    ...(columns.name !== undefined ? { name: columns.name } : {}),
    ...(columns.meter !== undefined ? { meter: columns.meter } : {}),
  };
}

function insertAcl(columns: AclColumns): { operation: Operation; ref: NamedRef<'ACL'> } {
  const inserted = insertRow(ACLTable, wireRow(columns), { uuidName: nextUuidName('acl') });
  // The generated model is the NB 7.0.0 schema, which lacks ACL.tier: on a server that has the
  // column it is added on the wire.
  if (columns.tier !== undefined) inserted.operation.row.tier = columns.tier;
  return inserted;
}

function sameMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/**
 * An update bringing `row` to `columns` (its identity already equal), or nothing. The tier is
 * not compared: the generated model cannot read it.
 */
function updateAcl(row: ACL, columns: AclColumns): Operation[] {
  const change: { -readonly [K in keyof RowWrite<ACL>]: RowWrite<ACL>[K] } = {};
  if (row.action !== columns.action) change.action = columns.action as ACL['action'];
  if (row.log !== columns.log) change.log = columns.log;
  if (row.label !== columns.label) change.label = columns.label;
  if (row.severity !== columns.severity) change.severity = columns.severity ?? CLEAR;
  if (row.name !== columns.name) change.name = columns.name ?? CLEAR;
  if (row.meter !== columns.meter) change.meter = columns.meter ?? CLEAR;
  if (!sameMap(row.options, columns.options)) change.options = columns.options;
  if (!sameMap(row.external_ids, columns.external_ids)) change.external_ids = columns.external_ids;
  if (Object.keys(change).length === 0) return [];
  return [updateRows(ACLTable, [whereColumn('_uuid', '==', row._uuid)], change)];
}

function prefixed(field: string | undefined): (name: string) => string {
  return (name) => (field === undefined || field === '' ? name : `${field}.${name}`);
}

function addAclOps(nb: NbReplica, parent: AclParent, spec: AclSpec, options: AddAclOptions): Operation[] {
  const columns = aclColumns(nb, spec, prefixed(options.field), switchMatchOptions(nb));
  const parentRow = resolveParent(nb, parent);
  const key = aclIdentity(columns);
  const existing = parentAcls(nb, parentRow).find((row) => aclIdentity(row) === key);
  if (existing === undefined) {
    const inserted = insertAcl(columns);
    return [inserted.operation, ...parentMutation(parentRow, [], [inserted.ref])];
  }
  if (options.mayExist !== true)
    throw new ObjectExistsError(
      'ACL',
      `${parentRow.text} ${columns.direction} priority ${columns.priority} match ${columns.match}`,
    );
  return updateAcl(existing, {
    ...columns,
    external_ids: { ...existing.external_ids, ...columns.external_ids },
  });
}

/**
 * Adds an ACL to a switch or port group (`ovn-nbctl acl-add`, with `--type=port-group` for a
 * group). Reads `nb`, sends nothing.
 * @throws {@link InvalidSpecError} for a bad direction, priority, match (one OVN's parser refuses:
 *   its `cause` is the {@link InvalidMatchError}), action, severity, name, meter, label, tier,
 *   options or external_ids; {@link ObjectNotFoundError} for a missing parent;
 *   {@link ObjectExistsError} when the identity exists and `mayExist` is not set.
 */
export function addAcl<Target extends NbTarget | NbHandle>(
  target: Target,
  parent: AclParent,
  spec: AclSpec,
  options: AddAclOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(addAclOps(txn.view, parent, spec, options)));
}

function deleteAclsOps(
  nb: NbReplica,
  parent: AclParent,
  selector: AclSelector,
  options: DeleteAclsOptions,
): Operation[] {
  if (!isJsonObject(selector)) throw new InvalidSpecError('selector', selector, 'an object');
  const direction =
    selector.direction === undefined ? undefined : checkAclDirection(selector.direction, 'direction');
  const priority =
    selector.priority === undefined ? undefined : checkAclPriority(selector.priority, 'priority');
  const match = selector.match === undefined ? undefined : checkMatchText(selector.match, 'match');
  const parentRow = resolveParent(nb, parent);
  const rows = parentAcls(nb, parentRow).filter(
    (row) =>
      (direction === undefined || row.direction === direction) &&
      (priority === undefined || row.priority === priority) &&
      (match === undefined || row.match === match),
  );
  if (rows.length === 0 && priority !== undefined && options.ifExists !== true) {
    const what = [direction, `priority ${priority}`, match === undefined ? '' : `match ${match}`].filter(
      Boolean,
    );
    throw new ObjectNotFoundError('ACL', `${parentRow.text} ${what.join(' ')}`);
  }
  return parentMutation(
    parentRow,
    rows.map((row) => row._uuid),
    [],
  );
}

/**
 * Removes the ACLs of a switch or port group that match `selector` (`ovn-nbctl acl-del`): every
 * ACL without a selector, those of one direction, of one priority, or the one of a match. A
 * selector without a priority matching nothing plans nothing, as acl-del does.
 * @throws {@link InvalidSpecError} for a bad direction, priority or empty match;
 *   {@link ObjectNotFoundError} for a missing parent, or a selector with a priority that matches
 *   nothing without `ifExists`.
 */
export function deleteAcls<Target extends NbTarget | NbHandle>(
  target: Target,
  parent: AclParent,
  selector: AclSelector = {},
  options: DeleteAclsOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(deleteAclsOps(txn.view, parent, selector, options)));
}

function setAclsOps(
  nb: NbReplica,
  parent: AclParent,
  specs: readonly AclSpec[],
  options: SetAclsOptions,
): Operation[] {
  if (!isJsonObject(options)) throw new InvalidSpecError('options', options, 'an object with owner');
  const field = options.field ?? 'acls';
  const owner = checkStringMap(options.owner, 'owner');
  if (Object.keys(owner).length === 0)
    throw new InvalidSpecError('owner', options.owner, 'at least one external_ids pair marks the owned ACLs');
  if (!Array.isArray(specs)) throw new InvalidSpecError(field, specs, 'a list of ACL specs');
  const matchOptions = switchMatchOptions(nb);
  const wanted: AclColumns[] = [];
  const seen = new Map<string, number>();
  for (const [index, spec] of specs.entries()) {
    const columns = aclColumns(nb, spec, prefixed(`${field}[${index}]`), matchOptions, owner);
    const key = aclIdentity(columns);
    const first = seen.get(key);
    if (first !== undefined)
      throw new InvalidSpecError(
        `${field}[${index}]`,
        { direction: columns.direction, priority: columns.priority, match: columns.match },
        `same direction, priority and match as ${field}[${first}]`,
      );
    seen.set(key, index);
    wanted.push(columns);
  }
  const parentRow = resolveParent(nb, parent);
  const owned = new Map<string, ACL[]>();
  for (const row of parentAcls(nb, parentRow)) {
    if (!Object.entries(owner).every(([key, value]) => row.external_ids[key] === value)) continue;
    const key = aclIdentity(row);
    const list = owned.get(key);
    if (list === undefined) owned.set(key, [row]);
    else list.push(row);
  }
  const ops: Operation[] = [];
  const added: NamedRef<'ACL'>[] = [];
  for (const columns of wanted) {
    const key = aclIdentity(columns);
    const rows = owned.get(key);
    const row = rows?.shift();
    if (row !== undefined) {
      ops.push(...updateAcl(row, columns));
      continue;
    }
    const inserted = insertAcl(columns);
    ops.push(inserted.operation);
    added.push(inserted.ref);
  }
  const removed: Uuid<'ACL'>[] = [];
  for (const rows of owned.values()) for (const row of rows) removed.push(row._uuid);
  ops.push(...parentMutation(parentRow, removed, added));
  return ops;
}

/**
 * Declarative: afterwards the parent's ACLs whose external_ids hold every pair of `owner` are
 * exactly `specs`. Identity is (direction, priority, match): an identical row is left alone, a
 * changed one updated in place, a missing one inserted, an owned one no spec names removed (in
 * one mutate of the parent's `acls`). ACLs without the owner's pairs are never touched. The
 * same specs again plan nothing.
 *
 * @example
 * ```ts fragment
 * setAcls(nb, { portGroup: 'np.web.default' }, [
 *   { direction: 'to-lport', priority: 2001, match: 'outport == @np.web.default && ip4.src == $np.web.default.ingress.allow.0.IPv4', action: 'allow-related' },
 *   { direction: 'to-lport', priority: 2000, match: 'outport == @np.web.default && ip', action: 'drop' },
 * ], { owner: { np: 'default/web' } });
 * ```
 * @throws {@link InvalidSpecError} for a bad spec (naming `acls[i].<field>`), two specs with
 *   one identity (naming both indexes), an empty owner; {@link ObjectNotFoundError} for a
 *   missing parent.
 */
export function setAcls<Target extends NbTarget | NbHandle>(
  target: Target,
  parent: AclParent,
  specs: readonly AclSpec[],
  options: SetAclsOptions,
): Planned<Target> {
  return planNb(target, (txn) => txn.add(setAclsOps(txn.view, parent, specs, options)));
}
