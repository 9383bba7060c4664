/**
 * Database handles: one surface for an open database, on a plain connection or a session.
 *
 * @packageDocumentation
 */
export { ClientDatabase, database } from './client-database.js';
export type { DatabaseHandle, HandleWaitOptions } from './database-handle.js';
