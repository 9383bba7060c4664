// Generated from schemas/_server.ovsschema (_Server 1.2.0) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

/** The _Server schema, as read from schemas/_server.ovsschema. */
export const schemaJson: unknown = {
  cksum: '3009684573 744',
  name: '_Server',
  tables: {
    Database: {
      columns: {
        cid: { type: { key: 'uuid', min: 0 } },
        connected: { type: 'boolean' },
        index: { type: { key: 'integer', min: 0 } },
        leader: { type: 'boolean' },
        model: { type: { key: { enum: ['set', ['clustered', 'relay', 'standalone']], type: 'string' } } },
        name: { type: 'string' },
        schema: { type: { key: 'string', min: 0 } },
        sid: { type: { key: 'uuid', min: 0 } },
      },
    },
  },
  version: '1.2.0',
};
