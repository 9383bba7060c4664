/**
 * IC helpers composed in one optimistic transaction: each helper handed the transaction reads
 * its view, so it sees what the helpers before it in the same body wrote (a router port made by
 * connectTransitSwitch gets its gateway chassis changed; a transit switch added is found,
 * changed and deleted), and the database ends as it does when each helper is sent in a
 * transaction of its own. Judged by whole-database comparison with what ovn-nbctl and
 * ovn-ic-nbctl make, and with the one-transaction-per-helper path on a third server.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { model as icNbModel } from '../../src/generated/ic-nb/index.js';
import type { Tables as IcNbTables } from '../../src/generated/ic-nb/rows.js';
import { model as nbModel } from '../../src/generated/nb/index.js';
import type { Tables as NbTables } from '../../src/generated/nb/rows.js';
import {
  addTransitSwitch,
  connectTransitSwitch,
  deleteTransitSwitch,
  detectIcPitfalls,
  findTransitSwitch,
  kubeOvnTransitSwitches,
  planNbReset,
  remoteTransitPorts,
  requireTransitSwitch,
  routersOnTransitSwitches,
  setAvailabilityZone,
  setIcRouteOptions,
  type TransitConnectionSpec,
  type TransitSwitchSpec,
  transitSwitchSubnet,
} from '../../src/ic/index.js';
import {
  ConstraintViolationError,
  connect,
  type DatabaseModel,
  type Operation,
  OperationAddedTwiceError,
  type OvsdbClient,
  Replica,
  runTransaction,
} from '../../src/index.js';
import { ObjectExistsError, ObjectNotFoundError, setGatewayChassis } from '../../src/ovn/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { dbPair } from '../helpers/db-pair.js';
import { nbPair } from '../helpers/nb-pair.js';
import { joinTransitSwitchWithNbctl } from '../helpers/transit-join-nbctl.js';

const run = promisify(execFile);

/** `<op> <table>` of each operation, for asserting what a helper planned. */
const kinds = (operations: readonly Operation[]) =>
  operations.map((operation) => ('table' in operation ? `${operation.op} ${operation.table}` : operation.op));

/** A third server, set up as a pair's two, where each helper is sent in its own transaction. */
interface SeparateServer<T extends object> {
  server: RunningServer;
  client: OvsdbClient;
  replica: Replica<T>;
  /** Sends `operations` as one transaction (nothing when empty). */
  send(operations: Operation[]): Promise<void>;
}

function separateServer<T extends object>(
  db: 'nb' | 'ic-nb',
  database: string,
  ctl: string,
  model: DatabaseModel<T>,
  setup: readonly (readonly string[])[] = [],
): SeparateServer<T> {
  const it = {
    async send(operations: Operation[]) {
      if (operations.length > 0) await it.client.transact(database, operations);
    },
  } as SeparateServer<T>;
  before(async () => {
    it.server = await startOvsdbServer({ schemas: [ovnSchemaPath(db)] });
    for (const args of [['init'], ...setup]) await run(ctl, [`--db=${it.server.unix}`, ...args]);
    it.client = await connect(it.server.unix);
    it.replica = await Replica.start(it.client, model);
  });
  after(async () => {
    await it.replica?.close();
    await it.client?.close();
    await it.server?.stop();
  });
  return it;
}

/** What ovn-ic and `ovn-nbctl lr-add` leave in an AZ's NB before it connects to transit switch ts. */
const NB_SETUP: readonly (readonly string[])[] = [
  ['lr-add', 'ovn-cluster'],
  ['ls-add', 'ts', '--', 'set', 'Logical_Switch', 'ts', 'other_config:interconn-ts=ts'],
  [
    'lsp-add',
    'ts',
    'ts-az2',
    '--',
    'lsp-set-type',
    'ts-az2',
    'remote',
    '--',
    'lsp-set-addresses',
    'ts-az2',
    '00:00:00:4b:e2:9f 169.254.100.31/24',
  ],
];

describe('connectTransitSwitch and setGatewayChassis in one transaction', { timeout: 40_000 }, () => {
  const pair = nbPair();
  const separate = separateServer<NbTables>('nb', 'OVN_Northbound', 'ovn-nbctl', nbModel, NB_SETUP);
  const spec: TransitConnectionSpec = {
    az: 'az1',
    transitSwitch: 'ts',
    subnet: '169.254.100.0/24',
    gatewayChassis: ['gw-a', 'gw-b'],
    rotation: 1, // gw-b at 100, gw-a at 99
    mac: '00:00:00:50:ac:8c',
    // Always host offset 44 (.45): the same address on every server, and on a retry.
    random: () => 44.5 / 254,
  };
  const gateways = { routerPort: 'az1-ts', chassis: ['gw-a', 'gw-c'] };

  before(async () => {
    for (const args of NB_SETUP) {
      await pair.nbctl(...args);
      await pair.ctlOurs(...args);
    }
  });

  test('the gateway helper sees the port the connection made; the database is the two-transaction one', async () => {
    // On the replica alone the port does not exist yet: only the transaction's view has it.
    assert.throws(
      () => setGatewayChassis(pair.nb, gateways),
      (error: unknown) => error instanceof ObjectNotFoundError && error.rowName === 'az1-ts',
    );
    const outcome = await runTransaction(
      pair.client,
      nbModel,
      (txn) => {
        assert.deepEqual(routersOnTransitSwitches(txn).get('ts'), []);
        const connected = connectTransitSwitch(txn, spec);
        // Read-only helpers given the transaction see the connection; the replica does not.
        assert.deepEqual(routersOnTransitSwitches(txn).get('ts'), ['ovn-cluster']);
        assert.deepEqual(routersOnTransitSwitches(pair.nb).get('ts'), []);
        assert.deepEqual(detectIcPitfalls(txn), []);
        assert.deepEqual(
          remoteTransitPorts(txn, 'ts').map((port) => port.az),
          ['az2'],
        );
        // gw-a moves to priority 100 (an update of a row inserted above), gw-b goes, gw-c comes.
        const changed = setGatewayChassis(txn, gateways);
        assert.deepEqual(kinds(changed), [
          'update Gateway_Chassis',
          'insert Gateway_Chassis',
          'mutate Logical_Router_Port',
        ]);
        // The connection again, with those gateways: both ports are there, nothing to change.
        assert.deepEqual(
          connectTransitSwitch(txn, { ...spec, gatewayChassis: gateways.chassis, rotation: 0 }),
          [],
        );
        return connected.length + changed.length;
      },
      { replica: pair.replica },
    );
    assert.equal(outcome.attempts, 1);
    assert.equal(outcome.operations.length, outcome.value);

    // The same, one transaction per helper.
    await separate.send(connectTransitSwitch(separate.replica, spec));
    await separate.send(setGatewayChassis(separate.replica, gateways));

    await joinTransitSwitchWithNbctl(pair, '00:00:00:50:ac:8c', '169.254.100.45/24', ['gw-a', 'gw-c']);
    await pair.assertSame();
    assert.deepEqual(
      diffDumps(
        await dumpDatabase(separate.client, 'OVN_Northbound'),
        await dumpDatabase(pair.client, 'OVN_Northbound'),
      ),
      [],
    );
    assert.deepEqual(
      pair.nb
        .where('Gateway_Chassis', () => true)
        .map((row) => [row.name, row.priority])
        .sort(),
      [
        ['az1-ts-gw-a', 100],
        ['az1-ts-gw-c', 99],
      ],
    );
  });

  test('a helper handed the transaction returns what it added; adding that again throws', async () => {
    const outcome = await runTransaction(
      pair.client,
      nbModel,
      (txn) => {
        const zone = setAvailabilityZone(txn, 'az1');
        const routes = setIcRouteOptions(txn, { autoRoute: true, blacklist: ['100.64.0.0/16'] });
        assert.equal(zone.length, 1);
        assert.equal(routes.length, 1);
        assert.throws(() => txn.add(zone), OperationAddedTwiceError);
        assert.throws(() => txn.add(routes[0] as Operation), OperationAddedTwiceError);
        // The reset planned after them sees the name and options they set, and the port.
        const reset = planNbReset(txn, 'az1', ['ts']);
        assert.equal(reset.globalCleared, true);
        assert.deepEqual(reset.routerPorts, ['az1-ts']);
        assert.throws(() => txn.add(reset.operations), OperationAddedTwiceError);
        return [...zone, ...routes, ...reset.operations];
      },
      { replica: pair.replica, dryRun: true },
    );
    assert.deepEqual(outcome.operations, outcome.value);
    // On the replica, the reset sees none of that: the AZ has no name and no options yet.
    const global = pair.nb.list('NB_Global')[0];
    assert.equal(global?.name, '');
    assert.equal(planNbReset(pair.nb, 'az1', ['ts']).globalCleared, false);
  });
});

describe('addTransitSwitch and reads of it in one transaction', { timeout: 30_000 }, () => {
  const pair = dbPair<IcNbTables>({
    db: 'ic-nb',
    database: 'OVN_IC_Northbound',
    ctl: 'ovn-ic-nbctl',
    model: icNbModel,
  });
  const separate = separateServer<IcNbTables>('ic-nb', 'OVN_IC_Northbound', 'ovn-ic-nbctl', icNbModel);
  const [ts, ts1, ts2] = kubeOvnTransitSwitches(3) as [
    TransitSwitchSpec,
    TransitSwitchSpec,
    TransitSwitchSpec,
  ];
  const moved = { ...ts, subnet: '169.254.200.0/24' };

  test('the switch added is found, refused, updated and another deleted, as four transactions leave them', async () => {
    const outcome = await runTransaction(
      pair.client,
      icNbModel,
      (txn) => {
        const added = addTransitSwitch(txn, ts);
        assert.deepEqual(kinds(added), ['insert Transit_Switch']);
        const found = findTransitSwitch(txn, 'ts');
        assert.ok(found, 'the view has the switch');
        assert.equal(findTransitSwitch(pair.replica, 'ts'), undefined, 'the replica does not');
        assert.deepEqual(transitSwitchSubnet(requireTransitSwitch(txn, 'ts')), ['169.254.100.0/24']);
        assert.throws(
          () => addTransitSwitch(txn, ts),
          (error: unknown) => error instanceof ObjectExistsError,
        );
        assert.deepEqual(addTransitSwitch(txn, ts, { mayExist: true }), [], 'already as asked');
        assert.deepEqual(kinds(addTransitSwitch(txn, moved, { mayExist: true })), ['update Transit_Switch']);
        addTransitSwitch(txn, ts1);
        assert.deepEqual(kinds(deleteTransitSwitch(txn, 'ts1')), ['delete Transit_Switch']);
        assert.equal(findTransitSwitch(txn, 'ts1'), undefined);
        return found._uuid;
      },
      { replica: pair.replica },
    );
    assert.equal(outcome.attempts, 1);
    // The row keeps the UUID the transaction chose for it.
    assert.equal(pair.replica.find('Transit_Switch', 'name', 'ts')[0]?._uuid, outcome.value);

    await separate.send(addTransitSwitch(separate.replica, ts));
    await separate.send(addTransitSwitch(separate.replica, moved, { mayExist: true }));
    await separate.send(addTransitSwitch(separate.replica, ts1));
    await separate.send(deleteTransitSwitch(separate.replica, 'ts1'));

    await pair.ctl(
      'ts-add',
      'ts',
      '--',
      'set',
      'Transit_Switch',
      'ts',
      'external_ids:subnet="169.254.200.0/24"',
      'external_ids:vendor=kube-ovn',
    );
    await pair.assertSame();
    assert.deepEqual(
      diffDumps(
        await dumpDatabase(separate.client, 'OVN_IC_Northbound'),
        await dumpDatabase(pair.client, 'OVN_IC_Northbound'),
      ),
      [],
    );
  });

  test('a name listed twice: planned once in one transaction; two inserts when planned on the replica', async () => {
    const specs = [ts1, ts2, ts1];
    // Planned on the replica, each call misses what the one before it planned.
    const blind = specs.flatMap((spec) => addTransitSwitch(pair.replica, spec, { mayExist: true }));
    assert.equal(kinds(blind).join(), 'insert Transit_Switch,insert Transit_Switch,insert Transit_Switch');
    await assert.rejects(pair.client.transact('OVN_IC_Northbound', blind), ConstraintViolationError);
    const outcome = await runTransaction(
      pair.client,
      icNbModel,
      (txn) => {
        for (const spec of specs) addTransitSwitch(txn, spec, { mayExist: true });
      },
      { replica: pair.replica },
    );
    assert.deepEqual(kinds(outcome.operations), ['insert Transit_Switch', 'insert Transit_Switch']);
    assert.deepEqual(
      pair.replica
        .list('Transit_Switch')
        .map((row) => row.name)
        .sort(),
      ['ts', 'ts1', 'ts2'],
    );
  });
});
