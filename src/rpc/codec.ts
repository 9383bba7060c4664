/**
 * The thin OVSDB JSON-RPC 1.0 codec. OVSDB differs from JSON-RPC 2.0 in that it rejects a
 * `jsonrpc` member, sends `"id": null` on notifications, always carries both `result` and
 * `error` in replies, and lets `error` be any JSON value. Requests the server sends us are
 * dispatched by json-rpc-2.0's JSONRPCServer, so they are translated to and from 2.0 here.
 */
import type { JSONRPCRequest, JSONRPCResponse } from 'json-rpc-2.0';

/** Ids this library generates. Ids the server sends may be any JSON value. */
export type JsonRpcId = string | number;

/** An inbound message as parsed, before we know which kind it is. */
export interface OvsdbMessage {
  method?: unknown;
  params?: unknown;
  id?: unknown;
  result?: unknown;
  error?: unknown;
}

/** The three kinds of OVSDB JSON-RPC 1.0 message. */
export type OvsdbMessageKind = 'reply' | 'request' | 'notification';

/**
 * Tells what a parsed JSON value is, or `undefined` when it is none of the three kinds
 * (not an object, a method that is not a string, params that are not an array, a reply
 * without `result`/`error`).
 */
export function classifyMessage(value: unknown): OvsdbMessageKind | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const msg = value as OvsdbMessage;
  if (msg.method === undefined) {
    if (msg.id === undefined || (msg.result === undefined && msg.error === undefined)) return undefined;
    return 'reply';
  }
  if (typeof msg.method !== 'string' || !Array.isArray(msg.params)) return undefined;
  return msg.id === null || msg.id === undefined ? 'notification' : 'request';
}

/** `{"id":…,"method":…,"params":[…]}`: one JSON.stringify, no `jsonrpc` member. */
export function encodeRequest(id: JsonRpcId, method: string, params: unknown[]): string {
  // Concatenation skips building a wrapper object for every request; same bytes as stringify.
  return `{"id":${JSON.stringify(id)},"method":${JSON.stringify(method)},"params":${JSON.stringify(params)}}`;
}

/** A notification: the same shape with `"id": null`. */
export function encodeNotification(method: string, params: unknown[]): string {
  return JSON.stringify({ id: null, method, params });
}

/** An inbound 1.0 request as the 2.0 object JSONRPCServer dispatches (the id passes through untouched). */
export function toJsonRpc2Request(msg: OvsdbMessage): JSONRPCRequest {
  return {
    jsonrpc: '2.0',
    id: msg.id as JSONRPCRequest['id'],
    method: msg.method as string,
    params: msg.params,
  };
}

/**
 * JSONRPCServer's 2.0 response as OVSDB 1.0 text: both `result` and `error` present, exactly
 * one non-null. A 2.0 error becomes its `data` when the handler supplied one, else its message.
 */
export function encodeResponse(response: JSONRPCResponse): string {
  if (response.error === undefined) {
    return JSON.stringify({ id: response.id, result: response.result ?? null, error: null });
  }
  const error = response.error.data ?? response.error.message;
  return JSON.stringify({ id: response.id, result: null, error });
}
