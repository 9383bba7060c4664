import { join } from 'node:path';

/** Where Debian's ovn-common package installs the OVN schemas. */
export const OVN_SCHEMA_DIR = '/usr/share/ovn';

const FILES = {
  nb: 'ovn-nb.ovsschema',
  sb: 'ovn-sb.ovsschema',
  'ic-nb': 'ovn-ic-nb.ovsschema',
  'ic-sb': 'ovn-ic-sb.ovsschema',
} as const;

/** The installed `.ovsschema` file of an OVN database, e.g. `/usr/share/ovn/ovn-nb.ovsschema`. */
export function ovnSchemaPath(db: 'nb' | 'sb' | 'ic-nb' | 'ic-sb'): string {
  return join(OVN_SCHEMA_DIR, FILES[db]);
}
