import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import type { Tables as NbTables } from '../../src/generated/nb/rows.js';
import { model as sbModel } from '../../src/generated/sb/index.js';
import { type ClientDatabase, connect, database, type OvsdbClient, Replica } from '../../src/index.js';
import { DuplicateNameError } from '../../src/ovn/ovn-errors.js';
import { chassisByHostname, gatewayChassisOf } from '../../src/ovn/sb-reads.js';
import { NbGlobalMissingError, WaitForTimeoutError, waitFor } from '../../src/ovn/wait-for.js';
import { type OvnSandbox, startOvnSandbox } from '../../src/testing/index.js';

const SB = 'OVN_Southbound';

describe('waitFor and southbound reads, with ovn-northd', { timeout: 60_000 }, () => {
  let sandbox: OvnSandbox;
  let nbClient: OvsdbClient;
  let nb: ClientDatabase<NbTables>;
  let sb: OvsdbClient;

  before(async () => {
    sandbox = await startOvnSandbox();
    nbClient = await connect(sandbox.nbRemote);
    nb = database(nbClient, nbModel);
    sb = await connect(sandbox.sbRemote);
  });
  after(async () => {
    await nb?.close();
    await nbClient?.close();
    await sb?.close();
    await sandbox?.stop();
  });

  test("waitFor('sb') resolves once northd has caught up with the raised nb_cfg", async () => {
    await sandbox.nbctl('ls-add', 'sw-wait');
    const cfg = await waitFor(nb, 'sb', { timeoutMs: 10_000 });
    assert.ok(cfg >= 1);
    const sbCfg = Number((await sandbox.nbctl('get', 'NB_Global', '.', 'sb_cfg')).trim());
    assert.ok(sbCfg >= cfg);
    // The switch is in the southbound database by then.
    assert.match(await sandbox.sbctl('--columns=external_ids', 'list', 'Datapath_Binding'), /sw-wait/);
  });

  test("waitFor('hv') blocks while a chassis lags behind, and resolves when it catches up", async () => {
    await sandbox.sbctl('chassis-add', 'ch1', 'geneve', '127.0.0.1');
    // What ovn-controller would do: report the nb_cfg it has applied in Chassis_Private.
    await sb.transact(SB, [{ op: 'insert', table: 'Chassis_Private', row: { name: 'ch1', nb_cfg: 0 } }]);
    await assert.rejects(waitFor(nb, 'hv', { timeoutMs: 800 }), (error: unknown) => {
      assert.ok(error instanceof WaitForTimeoutError);
      assert.equal(error.target, 'hv');
      assert.ok(error.reached < error.nbCfg);
      return true;
    });
    let settled = false;
    const waiting = waitFor(nb, 'hv', { timeoutMs: 15_000 }).then((cfg) => {
      settled = true;
      return cfg;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(settled, false, 'still waiting while the chassis lags');
    const nbCfg = Number((await sandbox.nbctl('get', 'NB_Global', '.', 'nb_cfg')).trim());
    await sb.transact(SB, [
      { op: 'update', table: 'Chassis_Private', where: [['name', '==', 'ch1']], row: { nb_cfg: nbCfg } },
    ]);
    assert.equal(await waiting, nbCfg);
  });

  test('chassis by hostname and where a distributed gateway port is bound', async () => {
    await sandbox.sbctl('chassis-add', 'ch2', 'geneve', '127.0.0.2');
    await sandbox.sbctl('set', 'Chassis', 'ch2', 'hostname=node-2');
    await sandbox.nbctl('lr-add', 'gw-router');
    await sandbox.nbctl('lrp-add', 'gw-router', 'gw-port', '0a:00:00:00:00:01', '172.16.0.1/24');
    await sandbox.nbctl('lrp-set-gateway-chassis', 'gw-port', 'ch2', '10');
    await sandbox.waitForNorthd();
    const replica = await Replica.start(sb, sbModel, { tables: { Chassis: true, Port_Binding: true } });
    try {
      const chassis = chassisByHostname(replica, 'node-2');
      assert.equal(chassis?.name, 'ch2');
      assert.equal(chassisByHostname(replica, 'nowhere'), undefined);
      // Nothing runs ovn-controller here: the binding is what ovn-controller would set.
      assert.equal(gatewayChassisOf(replica, 'gw-port'), undefined);
      await sandbox.sbctl('set', 'Port_Binding', 'cr-gw-port', `chassis=${chassis?._uuid}`);
      await sb.echo();
      assert.equal(gatewayChassisOf(replica, 'gw-port')?.name, 'ch2');
      await sandbox.sbctl('chassis-add', 'ch3', 'geneve', '127.0.0.3');
      await sandbox.sbctl('set', 'Chassis', 'ch3', 'hostname=node-2');
      await sb.listDbs();
      assert.throws(() => chassisByHostname(replica, 'node-2'), DuplicateNameError);
    } finally {
      await replica.close();
    }
  });

  test('waitFor on a database nobody initialized names the missing row', async () => {
    const bare = await startOvnSandbox({ northd: false });
    const client = await connect(bare.nbRemote);
    try {
      await bare.nbctl('destroy', 'NB_Global', '.');
      await assert.rejects(
        waitFor(database(client, nbModel), 'sb', { timeoutMs: 500 }),
        NbGlobalMissingError,
      );
    } finally {
      await client.close();
      await bare.stop();
    }
  });
});
