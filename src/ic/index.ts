/**
 * OVN-IC helpers (published as `ovndb/ic`): Kube-OVN's `ovn-ic-config`, sessions to the
 * interconnection databases, transit switches, router connection, routes and reset (see
 * docs/ovn/interconnection.md).
 *
 * @packageDocumentation
 */
// The errors the IC helpers throw, so that `ovndb/ic` alone is enough to catch them.
export {
  InvalidSpecError,
  InvalidYamlError,
  ObjectExistsError,
  ObjectNotFoundError,
} from '../ovn/ovn-errors.js';
export { SessionWaitTimeoutError, WaitAbortedError } from '../session/session-errors.js';

export * from './az-options.js';
export * from './connect-transit-switch.js';
export * from './ic-config.js';
export * from './ic-connect.js';
export * from './ic-pitfalls.js';
export * from './ic-routes.js';
export * from './ic-status.js';
export * from './ic-targets.js';
export * from './interconnection.js';
export * from './manual-routes.js';
export * from './reset.js';
export * from './route-hygiene.js';
export * from './transit-address.js';
export * from './transit-switches.js';
