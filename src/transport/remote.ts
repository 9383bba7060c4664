import { Address4, Address6 } from 'ip-address';
import { InvalidRemoteError } from './transport-errors.js';

/**
 * An active OVSDB remote, as ovsdb-server and ovn-nbctl spell them: `tcp:HOST:PORT`,
 * `ssl:HOST:PORT`, `unix:PATH`, or a websocket URL (`ws://`, `wss://`).
 *
 * `host` never carries brackets; it may be an IPv4 or IPv6 literal or a hostname.
 */
export type Remote =
  | { kind: 'tcp' | 'ssl'; host: string; port: number }
  | { kind: 'unix'; path: string }
  | { kind: 'ws' | 'wss'; url: string };

/** The port OVSDB uses when a tcp/ssl remote names none (IANA-assigned 6640). */
export const DEFAULT_OVSDB_PORT = 6640;

const PASSIVE = /^(ptcp|pssl|punix|pws|pwss):/;
const DOTTED = /^[0-9.]+$/;
const HOST_LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const PORT = /^[0-9]{1,5}$/;

/**
 * Parses one OVS remote string. Throws {@link InvalidRemoteError} naming the text when it
 * is malformed or passive (`ptcp:`, `pssl:`, `punix:`: a client connects, it cannot listen).
 */
export function parseRemote(text: string): Remote {
  const trimmed = text.trim();
  const fail = (reason: string): never => {
    throw new InvalidRemoteError(text, reason);
  };
  if (trimmed === '') fail('empty remote');
  if (PASSIVE.test(trimmed)) {
    fail('passive remotes (ptcp:, pssl:, punix:) make a server listen; a client needs an active remote');
  }
  if (/^wss?:\/\//i.test(trimmed)) return parseWebSocket(trimmed, fail);
  const colon = trimmed.indexOf(':');
  if (colon < 0) fail('expected tcp:HOST[:PORT], ssl:HOST[:PORT], unix:PATH, ws://... or wss://...');
  const method = trimmed.slice(0, colon);
  const rest = trimmed.slice(colon + 1);
  switch (method) {
    case 'tcp':
    case 'ssl': {
      const { host, port } = parseHostPort(rest, fail);
      return { kind: method, host, port };
    }
    case 'unix':
      if (rest === '') fail('unix: needs a socket path');
      return { kind: 'unix', path: rest };
    default:
      return fail(`unknown connection method ${JSON.stringify(method)}`);
  }
}

/**
 * Parses a comma-separated list of remotes (`tcp:a:6641,tcp:b:6641`, spaces allowed around
 * commas), as OVN tools accept for clustered databases. Empty items are rejected.
 */
export function parseRemoteList(text: string): Remote[] {
  const items = text.split(',');
  return items.map((item) => {
    if (item.trim() === '') {
      throw new InvalidRemoteError(text, 'empty item in the comma-separated remote list');
    }
    return parseRemote(item);
  });
}

/** Writes a remote back in OVS notation; IPv6 hosts get brackets (`tcp:[::1]:6641`). */
export function formatRemote(remote: Remote): string {
  switch (remote.kind) {
    case 'tcp':
    case 'ssl': {
      const host = remote.host.includes(':') ? `[${remote.host}]` : remote.host;
      return `${remote.kind}:${host}:${remote.port}`;
    }
    case 'unix':
      return `unix:${remote.path}`;
    case 'ws':
    case 'wss':
      return remote.url;
  }
}

function parseHostPort(rest: string, fail: (reason: string) => never): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    // Brackets hold IPv6 (and, as Kube-OVN writes it, IPv4 too).
    const close = rest.indexOf(']');
    if (close < 0) fail('missing "]" after a bracketed address');
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) fail('expected ":PORT" after "]"');
      portText = after.slice(1);
    }
    if (!Address6.isValid(host) && !Address4.isValid(host))
      fail(`${JSON.stringify(host)} is not an IP address`);
  } else {
    const parts = rest.split(':');
    if (parts.length > 2) fail('IPv6 addresses must be written in brackets, e.g. tcp:[::1]:6641');
    host = parts[0] ?? '';
    portText = parts[1];
    if (host === '') fail('missing host');
    if (DOTTED.test(host)) {
      if (!Address4.isValid(host)) fail(`${JSON.stringify(host)} is not a valid IPv4 address`);
    } else if (!isHostname(host)) {
      fail(`${JSON.stringify(host)} is not a valid hostname`);
    }
  }
  return { host, port: portText === undefined ? DEFAULT_OVSDB_PORT : parsePort(portText, fail) };
}

function parsePort(text: string, fail: (reason: string) => never): number {
  if (!PORT.test(text)) fail(`port ${JSON.stringify(text)} is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) fail(`port ${port} is out of range 1-65535`);
  return port;
}

function isHostname(host: string): boolean {
  if (host.length > 253) return false;
  const labels = host.endsWith('.') ? host.slice(0, -1).split('.') : host.split('.');
  return labels.every((label) => HOST_LABEL.test(label));
}

function parseWebSocket(text: string, fail: (reason: string) => never): Remote {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('malformed websocket URL');
  }
  if (url.hostname === '') fail('websocket URL has no host');
  const kind = url.protocol === 'wss:' ? 'wss' : 'ws';
  return { kind, url: text };
}
