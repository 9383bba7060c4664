/**
 * ovndb: a typed OVSDB client for the databases of OVN.
 *
 * @packageDocumentation
 */

export * from './cache/index.js';
export { OvsdbClient, type TransactOptions } from './client/client.js';
export type { ClientEvents } from './client/client-events.js';
export { connect, NoRemoteReachableError } from './client/connect.js';
export type { ConnectionState, ConnectionStatus } from './client/connection-state.js';
export type { OvndbMetrics, ReconnectMetric, TransactionMetric, UpdateMetric } from './client/metrics.js';
export { type CallOptions, type ClientOptions, defaultClientOptions } from './client/options.js';
export { SchemaNotFetchedError } from './client/schema-not-fetched-error.js';
export * from './cluster/index.js';
export * from './database/index.js';
export { OvndbError } from './errors.js';
/** The `_Server` database's row types (a member's `Database` row, its `model` kinds). */
export type {
  Database as ServerDatabase,
  DatabaseModel as ServerDatabaseKind,
} from './generated/server/rows.js';
export * from './model/index.js';
export * from './protocol/base-type.js';
export * from './protocol/column-type.js';
export * from './protocol/conditions.js';
export * from './protocol/datum.js';
export * from './protocol/mutations.js';
export type * from './protocol/notation.js';
export * from './protocol/operations.js';
export * from './protocol/results.js';
export * from './protocol/schema.js';
export * from './protocol/server-errors.js';
export * from './protocol/updates.js';
export * from './protocol/validation.js';
export * from './protocol/validation-errors.js';
export type { Logger } from './rpc/logger.js';
export * from './rpc/rpc-errors.js';
export * from './session/index.js';
export type { TlsOptions, TlsOptionsSource, TransportOptions, WebSocketOptions } from './transport/index.js';
export * from './transport/remote.js';
export type { Transport, TransportHandlers } from './transport/transport.js';
export * from './transport/transport-errors.js';
export * from './txn/index.js';
