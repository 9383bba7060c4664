/**
 * Port groups (NB `Port_Group`): the `@name` of an ACL match and the parent of the ACLs that
 * apply to its ports, wherever their switches are (Kube-OVN's NetworkPolicy and SecurityGroup
 * port groups). `ports` holds weak references to Logical_Switch_Port rows, so a deleted port
 * leaves its groups by itself; `acls` holds the group's ACLs, deleted with it.
 */
import { type LogicalSwitchPort, type PortGroup, PortGroupTable } from '../generated/nb/index.js';
import { mutateColumn, type TypedMutation, whereColumn } from '../model/typed-clauses.js';
import { insertRow, mutateRows } from '../model/typed-ops.js';
import type { Uuid } from '../model/uuid.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import { mapColumnMutations, mergedMap } from './column-diff.js';
import {
  deleteNamedOps,
  findNamed,
  type NbHandle,
  type NbReplica,
  type NbTarget,
  planNb,
  unverifiedNb,
} from './nb-lookup.js';
import { InvalidSpecError, ObjectNotFoundError } from './ovn-errors.js';
import { checkOvnName } from './ovn-names.js';
import { checkStringList, fieldPath, ownedExternalIds } from './spec-checks.js';

/** A port group to create or bring up to date. */
export interface PortGroupSpec {
  /** The group's name, an OVN identifier as a match names it (`@name`); see {@link ovnIdentifier}. */
  readonly name: string;
  /** Logical_Switch_Port names (Kube-OVN's `<pod>.<namespace>`). */
  readonly ports: readonly string[];
  /** Merged into the row's external_ids; `vendor` defaults to `kube-ovn`. */
  readonly externalIds?: Readonly<Record<string, string>>;
}

/** Options of {@link setPortGroup}. */
export interface SetPortGroupOptions {
  /** Path of the spec in the caller's terms: errors then name `<field>.ports[2]`. */
  readonly field?: string;
  /** A named port that does not exist: 'error' ({@link ObjectNotFoundError} naming it) or 'skip'. @default 'error' */
  readonly missingPorts?: 'error' | 'skip';
}

/** Options of {@link deletePortGroup}. */
export interface DeletePortGroupOptions {
  /** No such group: return no operations instead of throwing {@link ObjectNotFoundError}. */
  readonly ifExists?: boolean;
}

/**
 * The UUIDs of the ports named `names`, each once, in order; missing ones thrown or skipped.
 * Resolved without verification: {@link verifyChanged} verifies what the mutate rests on.
 */
function portUuids(
  nb: NbReplica,
  names: readonly string[],
  missing: 'error' | 'skip',
): Uuid<'Logical_Switch_Port'>[] {
  const peek = unverifiedNb(nb);
  const out = new Set<Uuid<'Logical_Switch_Port'>>();
  for (const name of names) {
    const port: LogicalSwitchPort | undefined = findNamed(peek, 'Logical_Switch_Port', name);
    if (port !== undefined) out.add(port._uuid);
    else if (missing === 'error') {
      findNamed(nb, 'Logical_Switch_Port', name); // verified absent: the refusal rests on it
      throw new ObjectNotFoundError('Logical_Switch_Port', name);
    } else findNamed(nb, 'Logical_Switch_Port', name); // skipped: verified still absent at commit
  }
  return [...out];
}

/**
 * Verifies at commit what a relative mutate of the group's ports rests on, and only that: each
 * port inserted still carries the name it was found by, each port deleted still carries its
 * name. The members kept are not read: the mutate composes with any change to them, so a group
 * of 5,000 gaining one port verifies one port, not 5,000.
 */
function verifyChanged(nb: NbReplica, uuids: readonly Uuid<'Logical_Switch_Port'>[]): void {
  for (const uuid of uuids) void nb.get('Logical_Switch_Port', uuid)?.name;
}

/**
 * The group named `name` (its name look-up verified at commit), with its columns read
 * unverified: the planners change `ports` and `external_ids` only by relative mutates.
 */
function findGroup(nb: NbReplica, name: string): PortGroup | undefined {
  const group = findNamed(nb, 'Port_Group', name);
  return group === undefined ? undefined : (unverifiedNb(nb).get('Port_Group', group._uuid) ?? group);
}

function checkMissing(value: unknown, field: string): 'error' | 'skip' {
  if (value === undefined || value === 'error' || value === 'skip') return value ?? 'error';
  throw new InvalidSpecError(field, value, "missingPorts is 'error' or 'skip'");
}

function mutateGroup(group: PortGroup, mutations: TypedMutation<PortGroup>[]): Operation[] {
  if (mutations.length === 0) return [];
  return [mutateRows(PortGroupTable, [whereColumn('_uuid', '==', group._uuid)], mutations)];
}

function setPortGroupOps(nb: NbReplica, spec: PortGroupSpec, options: SetPortGroupOptions): Operation[] {
  const prefix = options.field;
  const name = checkOvnName(spec.name, fieldPath(prefix, 'name'));
  const names = checkStringList(spec.ports, fieldPath(prefix, 'ports'));
  const externalIds = ownedExternalIds(spec.externalIds, fieldPath(prefix, 'externalIds'));
  const missing = checkMissing(options.missingPorts, 'missingPorts');
  const wanted = portUuids(nb, names, missing);
  const group = findGroup(nb, name);
  if (group === undefined)
    return [insertRow(PortGroupTable, { name, ports: wanted, external_ids: externalIds }).operation];
  const wantedSet = new Set(wanted);
  const remove: Uuid<'Logical_Switch_Port'>[] = [];
  const present = new Set<string>();
  for (const uuid of group.ports) {
    if (wantedSet.has(uuid)) present.add(uuid);
    else remove.push(uuid);
  }
  const add = present.size < wanted.length ? wanted.filter((uuid) => !present.has(uuid)) : [];
  verifyChanged(nb, remove);
  verifyChanged(nb, add);
  return mutateGroup(group, [
    ...(remove.length > 0 ? [mutateColumn<PortGroup, 'ports', 'delete'>('ports', 'delete', remove)] : []),
    ...(add.length > 0 ? [mutateColumn<PortGroup, 'ports', 'insert'>('ports', 'insert', add)] : []),
    ...mapColumnMutations<PortGroup>(
      'external_ids',
      group.external_ids,
      mergedMap(group.external_ids, externalIds),
    ),
  ]);
}

/**
 * Creates the port group, or brings an existing one's ports to `spec.ports` with ONE mutate of
 * `ports` (missing ports inserted, others deleted; external_ids pairs merged in the same
 * operation). The group's ACLs are not touched. The same spec again plans nothing.
 * @throws {@link InvalidSpecError} for a name that is not an OVN identifier or a port name that
 *   is not a non-empty string; {@link ObjectNotFoundError} for a port that does not exist
 *   (unless `missingPorts: 'skip'`).
 */
export function setPortGroup<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: PortGroupSpec,
  options: SetPortGroupOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(setPortGroupOps(txn.view, spec, options)));
}

function changePortsOps(
  nb: NbReplica,
  name: string,
  ports: readonly string[],
  mutator: 'insert' | 'delete',
): Operation[] {
  if (typeof name !== 'string' || name === '')
    throw new InvalidSpecError('name', name, 'a name is a non-empty string');
  const names = checkStringList(ports, 'ports');
  const group = findGroup(nb, name);
  if (group === undefined) throw new ObjectNotFoundError('Port_Group', name);
  const member = new Set<string>(group.ports);
  // A port that does not exist is in no group: nothing to remove, but nothing to add either.
  const uuids = portUuids(nb, names, mutator === 'insert' ? 'error' : 'skip').filter(
    (uuid) => member.has(uuid) === (mutator === 'delete'),
  );
  if (uuids.length === 0) return [];
  verifyChanged(nb, uuids);
  return mutateGroup(group, [mutateColumn<PortGroup, 'ports', typeof mutator>('ports', mutator, uuids)]);
}

/**
 * Adds the ports named `ports` to the group (one mutate; those already in it are left out).
 * @throws {@link ObjectNotFoundError} for a missing group or port.
 */
export function addPortGroupPorts<Target extends NbTarget | NbHandle>(
  target: Target,
  name: string,
  ports: readonly string[],
): Planned<Target> {
  return planNb(target, (txn) => txn.add(changePortsOps(txn.view, name, ports, 'insert')));
}

/**
 * Removes the ports named `ports` from the group (one mutate; ports not in it, or that do not
 * exist, are left out).
 * @throws {@link ObjectNotFoundError} for a missing group.
 */
export function removePortGroupPorts<Target extends NbTarget | NbHandle>(
  target: Target,
  name: string,
  ports: readonly string[],
): Planned<Target> {
  return planNb(target, (txn) => txn.add(changePortsOps(txn.view, name, ports, 'delete')));
}

/**
 * Deletes the port group; its ACLs go with it (they are referenced only by the group).
 * @throws {@link ObjectNotFoundError} when there is no such group and `ifExists` is not set.
 */
export function deletePortGroup<Target extends NbTarget | NbHandle>(
  target: Target,
  name: string,
  options: DeletePortGroupOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => {
    txn.add(deleteNamedOps(txn.view, 'Port_Group', name, options.ifExists === true));
  });
}
