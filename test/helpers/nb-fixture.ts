/** A fresh OVN Northbound ovsdb-server and a connected client for one describe block. */
import { after, before } from 'node:test';
import { connect, type OvsdbClient } from '../../src/index.js';
import {
  type OvsdbServerOptions,
  ovnSchemaPath,
  type RunningServer,
  startOvsdbServer,
} from '../../src/testing/index.js';

/** Filled in by `before`; both are stopped by `after`. */
export interface NbFixture {
  server: RunningServer;
  client: OvsdbClient;
}

/** Registers before/after hooks in the current describe block and returns what they set up. */
export function nbFixture(options: Partial<OvsdbServerOptions> = {}): NbFixture {
  const fixture = {} as NbFixture;
  before(async () => {
    fixture.server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], ...options });
    fixture.client = await connect(fixture.server.unix);
  });
  after(async () => {
    await fixture.client?.close();
    await fixture.server?.stop();
  });
  return fixture;
}
