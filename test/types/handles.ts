// Type tests of database handles: type-checked by `npm run typecheck`, never run. Each
// `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the directive
// as unused and the type check fails.
import { model, type Tables } from '../../src/generated/nb/index.js';
import {
  type ClientDatabase,
  type DatabaseHandle,
  database,
  type Operation,
  type OvsdbClient,
  runTransaction,
  type Session,
  type Transaction,
} from '../../src/index.js';
import { addStaticRoute, applyVpc, createRouter, type NbHandle, type NbTarget } from '../../src/ovn/index.js';

declare const client: OvsdbClient;
declare const session: Session<Tables>;
declare const untyped: Session;
declare const txn: Transaction<Tables>;

// A session opened with the model and a connection's database are the same kind of handle.
export const handles: DatabaseHandle<Tables>[] = [session, database(client, model)];
export const nb: NbHandle = session;
export const plain: ClientDatabase<Tables> = database(client, model);
// The helpers take the handle; a model-less session is not a Northbound handle.
export const applied = applyVpc(session, 'kind: Vpc\nmetadata: { name: v }\n');
// @ts-expect-error a session without the model has no typed transactions
export const wrong = applyVpc(untyped, 'kind: Vpc\nmetadata: { name: v }\n');

// A helper handed a handle commits its own transaction: a promise of its operations; on a
// replica or inside a transaction it returns them at once.
export const committed: Promise<Operation[]> = addStaticRoute(session, {
  router: 'r',
  cidr: '10.0.0.0/8',
  nextHops: '192.0.2.1',
});
export const planned: Operation[] = addStaticRoute(txn, {
  router: 'r',
  cidr: '10.0.0.0/8',
  nextHops: '192.0.2.1',
});
// @ts-expect-error on a handle the operations come once committed, not at once
export const notAtOnce: Operation[] = createRouter(session, { name: 'r' });

// runTransaction takes a session (or any handle) as well as a client.
export const onSession = runTransaction(session, model, (t) => t.insert('Logical_Router', { name: 'r' }));
export const onClient = runTransaction(client, model, (t) => t.insert('Logical_Router', { name: 'r' }));

// Helpers run on a transaction (composing in it) or on a replica.
export const target: NbTarget = txn;
export const composed = session.transaction((t) => {
  createRouter(t, { name: 'r1' });
  addStaticRoute(t, { router: 'r1', cidr: '10.0.0.0/8', nextHops: '192.0.2.1' });
  const router = t.view.where('Logical_Router', (r) => r.name === 'r1')[0];
  const port = t.view.findOne('Logical_Switch_Port', 'name', 'p1');
  // @ts-expect-error Logical_Router has no schema index (OVN allows two routers of one name)
  t.view.findOne('Logical_Router', 'name', 'r1');
  // @ts-expect-error a misspelled index does not compile on the view either
  t.view.find('Logical_Switch_Port', 'nmae', 'p1');
  return { router, port };
});

// A session's own replica is typed by its model; a dedicated one keeps its client indexes typed.
export async function replicas(): Promise<void> {
  const own = await session.replica();
  own.findOne('Logical_Switch_Port', 'name', 'p1');
  const named = await session.replica(model, {
    tables: { Logical_Router: { indexes: [{ name: 'byName', columns: ['name'] }] } },
  });
  named.find('Logical_Router', 'byName', 'r1');
  // @ts-expect-error a misspelled client index does not compile
  named.find('Logical_Router', 'byNmae', 'r1');
}
