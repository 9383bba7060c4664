/**
 * Kube-OVN's `kube-system/ovn-ic-config` ConfigMap, read into what a client needs to reach
 * the interconnection databases: the AZ name, the IC-NB and IC-SB remotes built from the
 * `ic-db-host` list and the ports, the gateway nodes and the auto-route switch.
 */
import { hostListRemotes, InvalidHostListError, OVN_DEFAULT_PORTS } from '../cluster/endpoints.js';
import { InvalidSpecError, type InvalidYamlError } from '../ovn/ovn-errors.js';
import { readYamlDocuments } from '../ovn/yaml-documents.js';

/** The ConfigMap's `data`, as Kube-OVN reads it (every value a string). */
export interface IcConfigData {
  readonly 'enable-ic'?: string;
  readonly 'az-name'?: string;
  readonly 'ic-db-host'?: string;
  readonly 'ic-nb-port'?: string;
  readonly 'ic-sb-port'?: string;
  readonly 'gw-nodes'?: string;
  readonly 'auto-route'?: string;
}

/** An `ovn-ic-config`, checked and with its remotes built. */
export interface IcConfig {
  /** `enable-ic`: interconnection wanted at all. */
  readonly enabled: boolean;
  /** `az-name`: this cluster's availability zone, `NB_Global.name`. */
  readonly azName: string;
  /** `ic-db-host`, one entry per host, in the given order. */
  readonly icDbHosts: readonly string[];
  /** `ic-nb-port`. @default 6645 */
  readonly icNbPort: number;
  /** `ic-sb-port`. @default 6646 */
  readonly icSbPort: number;
  /** `tcp:[host]:port` per host, for IC-NB: what Kube-OVN passes to ovn-ic and ovn-ic-nbctl. */
  readonly icNbRemotes: readonly string[];
  /** The same for IC-SB. */
  readonly icSbRemotes: readonly string[];
  /** `gw-nodes`: the hostnames (Kubernetes node names) of the interconnection gateways. */
  readonly gwNodes: readonly string[];
  /** `auto-route`: advertise and learn routes through ovn-ic. */
  readonly autoRoute: boolean;
  /** Keys of `data` this reader does not know (a newer Kube-OVN's), left alone. */
  readonly ignoredKeys: readonly string[];
}

type Loose = Record<string, unknown>;

const AZ_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const KEYS = ['enable-ic', 'az-name', 'ic-db-host', 'ic-nb-port', 'ic-sb-port', 'gw-nodes', 'auto-route'];

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `data` of a ConfigMap given as YAML/JSON text, a ConfigMap object, or the data itself. */
function dataOf(input: string | object): Loose {
  let value: unknown = input;
  if (typeof input === 'string') {
    const found = readYamlDocuments(input).filter((doc) => isObject(doc) && doc.kind === 'ConfigMap');
    if (found.length !== 1) {
      throw new InvalidSpecError('kind', 'ConfigMap', `expected one ConfigMap, found ${found.length}`);
    }
    value = found[0];
  }
  if (!isObject(value)) throw new InvalidSpecError('data', value, 'must be an object');
  if (value.kind === 'ConfigMap' || 'data' in value) {
    if (!isObject(value.data)) throw new InvalidSpecError('data', value.data, 'must be an object');
    return value.data;
  }
  return value;
}

function text(data: Loose, key: string): string | undefined {
  const value = data[key];
  if (value === undefined || value === null) return undefined;
  // ConfigMap values are strings; YAML turns an unquoted `true` or `6645` into other types.
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new InvalidSpecError(`data.${key}`, value, 'must be a string');
  return value.trim();
}

function flag(data: Loose, key: string): boolean {
  const value = text(data, key);
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new InvalidSpecError(`data.${key}`, value, 'must be "true" or "false"');
}

function port(data: Loose, key: string, fallback: number): number {
  const value = text(data, key);
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n < 1 || n > 65535) {
    throw new InvalidSpecError(`data.${key}`, value, 'must be a port number 1-65535');
  }
  return n;
}

function remotes(hosts: string, database: 'ic-nb' | 'ic-sb', portNumber: number): string[] {
  try {
    return hostListRemotes(hosts, { database, port: portNumber });
  } catch (error) {
    if (error instanceof InvalidHostListError) {
      throw new InvalidSpecError('data.ic-db-host', hosts, error.message);
    }
    throw error;
  }
}

/**
 * Reads an `ovn-ic-config` ConfigMap (YAML or JSON text, the object, or just its `data`).
 * Values are checked as Kube-OVN uses them: `enable-ic` and `auto-route` are `"true"` or
 * `"false"`, ports are numbers, and every `ic-db-host` entry must make a remote (an IPv4 or
 * IPv6 address, or a hostname, without a port). With `enable-ic: "true"`, `az-name` and
 * `ic-db-host` are required.
 * @throws {@link InvalidSpecError} naming the key (`data.az-name`) and its value;
 *   {@link InvalidYamlError} for text that does not parse (syntax, duplicate keys, an alias bomb).
 */
export function parseIcConfig(input: string | object): IcConfig {
  const data = dataOf(input);
  const enabled = flag(data, 'enable-ic');
  const azName = text(data, 'az-name') ?? '';
  const hosts = text(data, 'ic-db-host') ?? '';
  if (enabled && azName === '') throw new InvalidSpecError('data.az-name', azName, 'required with enable-ic');
  if (azName !== '' && !AZ_NAME.test(azName)) {
    throw new InvalidSpecError('data.az-name', azName, 'letters, digits, ".", "_" and "-" only');
  }
  if (enabled && hosts === '')
    throw new InvalidSpecError('data.ic-db-host', hosts, 'required with enable-ic');
  const icNbPort = port(data, 'ic-nb-port', OVN_DEFAULT_PORTS['ic-nb']);
  const icSbPort = port(data, 'ic-sb-port', OVN_DEFAULT_PORTS['ic-sb']);
  const icNbRemotes = hosts === '' ? [] : remotes(hosts, 'ic-nb', icNbPort);
  const icSbRemotes = hosts === '' ? [] : remotes(hosts, 'ic-sb', icSbPort);
  const gwNodes = (text(data, 'gw-nodes') ?? '')
    .split(',')
    .map((node) => node.trim())
    .filter((node) => node !== '');
  return {
    enabled,
    azName,
    icDbHosts: hosts === '' ? [] : hosts.split(',').map((host) => host.trim()),
    icNbPort,
    icSbPort,
    icNbRemotes,
    icSbRemotes,
    gwNodes,
    autoRoute: flag(data, 'auto-route'),
    ignoredKeys: Object.keys(data).filter((key) => !KEYS.includes(key)),
  };
}
