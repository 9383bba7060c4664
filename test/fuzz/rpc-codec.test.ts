/**
 * Property tests of the JSON-RPC 1.0 codec: any parsed value is classified as the protocol
 * defines the three kinds of message, and what we encode parses back to what was encoded and
 * is classified as what it is.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { JSONRPCResponse } from 'json-rpc-2.0';
import {
  classifyMessage,
  encodeNotification,
  encodeRequest,
  encodeResponse,
  type OvsdbMessageKind,
  toJsonRpc2Request,
} from '../../src/rpc/codec.js';
import { fuzzTimeout, runProperty } from './fuzz-run.js';
import { jsonValue } from './json-stream.js';

/** The kinds as RFC 7047 section 4 and the codec's comment define them, written plainly. */
function expectedKind(value: unknown): OvsdbMessageKind | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { method, params, id, result, error } = value as Record<string, unknown>;
  if (method === undefined)
    return id !== undefined && (result !== undefined || error !== undefined) ? 'reply' : undefined;
  if (typeof method !== 'string' || !Array.isArray(params)) return undefined;
  return id === null || id === undefined ? 'notification' : 'request';
}

/** Objects that look like messages: the members of all three kinds, mixed at random. */
const messageLike = fc.record(
  {
    id: fc.oneof(fc.integer(), fc.string(), fc.constant(null), jsonValue),
    method: fc.oneof(fc.constantFrom('echo', 'update2', 'transact'), jsonValue),
    params: fc.oneof(fc.array(jsonValue, { maxLength: 3 }), jsonValue),
    result: jsonValue,
    error: jsonValue,
  },
  { requiredKeys: [] },
);

/** `value` as it comes back from the wire. */
const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('fuzz: JSON-RPC codec', { timeout: fuzzTimeout(20_000) }, () => {
  test('classifyMessage: any JSON value gets the kind the protocol gives it, never a throw', (t) =>
    runProperty(
      t,
      fc.property(fc.oneof(jsonValue, messageLike, fc.anything()), (value) => {
        assert.equal(classifyMessage(value), expectedKind(value));
      }),
      { runs: 2000 },
    ));

  test('encodeRequest and encodeNotification: one JSON text that parses back and classifies right', (t) =>
    runProperty(
      t,
      fc.property(
        fc.oneof(fc.integer(), fc.string({ unit: 'binary' })),
        fc.string({ unit: 'binary', maxLength: 12 }),
        fc.array(jsonValue, { maxLength: 4 }),
        (id, method, params) => {
          const request = encodeRequest(id, method, params);
          assert.equal(request, JSON.stringify({ id, method, params }));
          const parsed = JSON.parse(request) as Record<string, unknown>;
          assert.deepEqual(parsed, wire({ id, method, params }));
          assert.equal(classifyMessage(parsed), 'request');
          const notification = JSON.parse(encodeNotification(method, params)) as Record<string, unknown>;
          assert.deepEqual(notification, wire({ id: null, method, params }));
          assert.equal(classifyMessage(notification), 'notification');
        },
      ),
      { runs: 1000 },
    ));

  test('a server request goes to JSON-RPC 2.0 and its answer back to a 1.0 reply with both members', (t) =>
    runProperty(
      t,
      fc.property(
        fc.oneof(fc.integer(), fc.string()),
        fc.array(jsonValue, { maxLength: 3 }),
        fc.option(
          fc.record({
            code: fc.integer(),
            message: fc.string(),
            data: fc.option(jsonValue, { nil: undefined }),
          }),
          {
            nil: undefined,
          },
        ),
        (id, params, error) => {
          const request = toJsonRpc2Request({ id, method: 'echo', params });
          assert.deepEqual(request, { jsonrpc: '2.0', id, method: 'echo', params });
          const response = (
            error === undefined ? { jsonrpc: '2.0', id, result: params } : { jsonrpc: '2.0', id, error }
          ) as JSONRPCResponse;
          const reply = JSON.parse(encodeResponse(response)) as Record<string, unknown>;
          assert.deepEqual(Object.keys(reply).sort(), ['error', 'id', 'result']);
          assert.equal(classifyMessage(reply), 'reply');
          assert.deepEqual(reply.id, id);
          if (error === undefined) {
            assert.deepEqual(reply.result, wire(params));
            assert.equal(reply.error, null);
          } else {
            assert.equal(reply.result, null);
            assert.deepEqual(reply.error, wire(error.data ?? error.message));
          }
        },
      ),
      { runs: 1000 },
    ));
});
