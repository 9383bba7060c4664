/**
 * The security and addressing fields of a Kube-OVN `Subnet` (`acls`, `private`,
 * `allowSubnets`, `enableDHCP` and its options, `enableIPv6RA`, `excludeIps`), read from the
 * resource and checked before anything is planned. Every refusal is an
 * {@link InvalidSpecError} whose field names the Subnet and the path:
 * `Subnet net1: spec.acls[2].action`.
 */
import { isJsonObject } from '../protocol/json-members.js';
import { MAX_ACL_PRIORITY } from './acl-spec.js';
import { type Cidr, parseCidr } from './addresses.js';
import { InvalidSpecError } from './ovn-errors.js';
import { parseCidrBlock, subnetGateways } from './subnets.js';

/** An ACL direction, as OVN names it. */
export type SubnetAclDirection = 'from-lport' | 'to-lport';

/** The ACL actions a Subnet's `acls` entry may take (OVN's, as ovn-nb(5) lists them). */
export type SubnetAclAction = 'allow' | 'allow-related' | 'allow-stateless' | 'drop' | 'reject' | 'pass';

/** One entry of `Subnet.spec.acls`: an ACL on the subnet's switch. */
export interface SubnetAcl {
  readonly direction: SubnetAclDirection;
  /** 0..32767. */
  readonly priority: number;
  /** An OVN match on the switch's pipeline (`ip4.dst == 10.0.0.9 && tcp.dst == 22`). */
  readonly match: string;
  readonly action: SubnetAclAction;
}

/** What {@link planSubnetSecurity} makes of a Subnet. */
export interface SubnetSecuritySpec {
  /** The Subnet's `metadata.name`: the Logical_Switch. */
  readonly name: string;
  /** The Vpc (router) of the subnet, for the router port `<vpc>-<name>` of IPv6 RA. @default ovn-cluster */
  readonly vpc?: string;
  /** One block, or `v4,v6`. */
  readonly cidrBlock: string;
  /** The gateway of each block (comma list). @default the first address of each block */
  readonly gateway?: string;
  /** ACLs on the switch, owned by the Subnet (`external_ids:subnet=<name>`). */
  readonly acls?: readonly SubnetAcl[];
  /** With `acls`: also allow traffic within the subnet, both directions (priority 1900). */
  readonly allowEWTraffic?: boolean;
  /** Drop traffic into the subnet except from itself, the join subnet and `allowSubnets`. */
  readonly private?: boolean;
  /** CIDRs a private subnet accepts traffic from (and answers). */
  readonly allowSubnets?: readonly string[];
  /** Serve DHCP from OVN: one DHCP_Options row per block. */
  readonly enableDHCP?: boolean;
  /** `key=value,key=value` DHCPv4 options over the defaults (`dns_server={8.8.8.8;1.1.1.1}`). */
  readonly dhcpV4Options?: string;
  /** `key=value,key=value` DHCPv6 options over the defaults. */
  readonly dhcpV6Options?: string;
  /** The DHCPv4 `mtu` option. @default 1400 (1500 less Geneve's 100) */
  readonly mtu?: number;
  /** Send IPv6 router advertisements from the subnet's router port. */
  readonly enableIPv6RA?: boolean;
  /** `key=value,...` for the router port's `ipv6_ra_configs`. @default address_mode=dhcpv6_stateful,max_interval=30,min_interval=5,send_periodic=true */
  readonly ipv6RAConfigs?: string;
  /**
   * Addresses and `a..b` ranges OVN's IPAM must not hand out (`other_config:exclude_ips`).
   * Left as it is when absent.
   */
  readonly excludeIps?: readonly string[];
}

const DIRECTIONS: readonly string[] = ['from-lport', 'to-lport'];
const ACTIONS: readonly string[] = ['allow', 'allow-related', 'allow-stateless', 'drop', 'reject', 'pass'];
const RA_ADDRESS_MODES: readonly string[] = ['slaac', 'dhcpv6_stateful', 'dhcpv6_stateless'];

/** The field path of an error: `Subnet net1: spec.acls[0].match`. */
export function subnetField(name: string, path: string): string {
  return `Subnet ${name}: ${path}`;
}

/**
 * `key=value,key=value` as Kube-OVN writes DHCP options and RA configs: blanks dropped; a `;`
 * inside a value stands for the `,` of a list (`dns_server={8.8.8.8;1.1.1.1}`), and a comma
 * inside `{...}` is read as part of the value too. Unlike Kube-OVN, which skips an item that
 * is not `key=value`, such an item is refused.
 * @throws {@link InvalidSpecError} naming `field`.
 */
export function parseKeyValueList(text: string, field: string): Record<string, string> {
  if (typeof text !== 'string') throw new InvalidSpecError(field, text, 'must be a string');
  const compact = text.replace(/\s+/g, '');
  const out: Record<string, string> = {};
  if (compact === '') return out;
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i];
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) throw new InvalidSpecError(field, text, 'a } without its {');
      depth--;
    } else if (c === ',' && depth === 0) {
      items.push(compact.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw new InvalidSpecError(field, text, 'a { without its }');
  items.push(compact.slice(start));
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? '' : item.slice(0, eq);
    const value = eq < 0 ? '' : item.slice(eq + 1).replaceAll(';', ',');
    if (key === '' || value === '' || !/^[A-Za-z0-9_]+$/.test(key))
      throw new InvalidSpecError(field, text, `${JSON.stringify(item)} is not key=value`);
    if (key in out) throw new InvalidSpecError(field, text, `${key} is given twice`);
    out[key] = value;
  }
  return out;
}

/** The subnet's fields checked: blocks, gateways, ACLs (match not yet), CIDRs, option maps. */
export interface CheckedSubnetSecurity {
  readonly name: string;
  readonly vpc: string;
  readonly blocks: readonly Cidr[];
  /** The gateway of each block, same order. */
  readonly gateways: readonly string[];
  readonly acls: readonly SubnetAcl[];
  readonly allowEWTraffic: boolean;
  readonly private: boolean;
  readonly allowSubnets: readonly Cidr[];
  readonly enableDHCP: boolean;
  readonly dhcpV4Options: Readonly<Record<string, string>>;
  readonly dhcpV6Options: Readonly<Record<string, string>>;
  readonly mtu: number;
  readonly enableIPv6RA: boolean;
  readonly ipv6RAConfigs: Readonly<Record<string, string>>;
  readonly excludeIps: readonly string[] | undefined;
}

/** Kube-OVN's router advertisement settings when `ipv6RAConfigs` is empty. */
export const DEFAULT_RA_CONFIGS: Readonly<Record<string, string>> = {
  address_mode: 'dhcpv6_stateful',
  max_interval: '30',
  min_interval: '5',
  send_periodic: 'true',
};

/** The MTU Kube-OVN gives a Geneve overlay subnet: 1500 less the 100 bytes of Geneve. */
export const DEFAULT_SUBNET_MTU = 1400;

function checkAcl(value: unknown, field: string): SubnetAcl {
  if (!isJsonObject(value)) throw new InvalidSpecError(field, value, 'must be an object');
  const { direction, priority, match, action } = value;
  if (typeof direction !== 'string' || !DIRECTIONS.includes(direction))
    throw new InvalidSpecError(`${field}.direction`, direction, 'must be from-lport or to-lport');
  if (
    typeof priority !== 'number' ||
    !Number.isInteger(priority) ||
    priority < 0 ||
    priority > MAX_ACL_PRIORITY
  )
    throw new InvalidSpecError(
      `${field}.priority`,
      priority,
      `must be an integer from 0 to ${MAX_ACL_PRIORITY}`,
    );
  if (typeof match !== 'string' || match.trim() === '')
    throw new InvalidSpecError(`${field}.match`, match, 'must be a non-empty OVN match');
  if (typeof action !== 'string' || !ACTIONS.includes(action))
    throw new InvalidSpecError(`${field}.action`, action, `must be one of ${ACTIONS.join(', ')}`);
  return {
    direction: direction as SubnetAclDirection,
    priority,
    match,
    action: action as SubnetAclAction,
  };
}

// Not spec-checks' checkStringList: Kube-OVN takes empty entries here (and skips them later),
// and an absent or null list is empty.
function looseStringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidSpecError(field, value, 'must be a list');
  return value.map((item, i) => {
    if (typeof item !== 'string') throw new InvalidSpecError(`${field}[${i}]`, item, 'must be a string');
    return item;
  });
}

function optionalText(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new InvalidSpecError(field, value, 'must be a string');
  return value;
}

function flag(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new InvalidSpecError(field, value, 'must be true or false');
  return value;
}

/**
 * Checks every field of `spec` that can be checked without the database (ACL matches are
 * checked against it when planning).
 * @throws {@link InvalidSpecError} naming `Subnet <name>: spec.<path>`.
 */
export function checkSubnetSecurity(spec: SubnetSecuritySpec): CheckedSubnetSecurity {
  if (!isJsonObject(spec)) throw new InvalidSpecError('Subnet', spec, 'must be an object');
  const name = spec.name;
  if (typeof name !== 'string' || name === '')
    throw new InvalidSpecError('Subnet: metadata.name', name, 'required');
  const at = (path: string) => subnetField(name, path);
  const vpc = spec.vpc ?? 'ovn-cluster';
  if (typeof vpc !== 'string' || vpc === '')
    throw new InvalidSpecError(at('spec.vpc'), spec.vpc, 'must be a name');
  const blocks = parseCidrBlock(spec.cidrBlock, at('spec.cidrBlock'));
  const gateways = subnetGateways(blocks, spec.gateway, at('spec.gateway'));
  if (spec.acls !== undefined && !Array.isArray(spec.acls))
    throw new InvalidSpecError(at('spec.acls'), spec.acls, 'must be a list');
  const acls = (spec.acls ?? []).map((acl, i) => checkAcl(acl, at(`spec.acls[${i}]`)));
  const seen = new Map<string, number>();
  acls.forEach((acl, i) => {
    const key = `${acl.direction}|${acl.priority}|${acl.match}`;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      throw new InvalidSpecError(
        at(`spec.acls[${i}]`),
        spec.acls?.[i],
        `same direction, priority and match as spec.acls[${earlier}]`,
      );
    seen.set(key, i);
  });
  const allowSubnets = looseStringList(spec.allowSubnets, at('spec.allowSubnets'))
    .map((text, i) => ({ text: text.trim(), i }))
    .filter(({ text }) => text !== '') // Kube-OVN skips empty entries
    .map(({ text, i }) =>
      parseCidr(parseCidr(text, at(`spec.allowSubnets[${i}]`)).networkText, at(`spec.allowSubnets[${i}]`)),
    );
  const mtu = spec.mtu ?? DEFAULT_SUBNET_MTU;
  if (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 68 || mtu > 65535)
    throw new InvalidSpecError(at('spec.mtu'), spec.mtu, 'must be an integer from 68 to 65535');
  const dhcpV4Options = parseKeyValueList(
    optionalText(spec.dhcpV4Options, at('spec.dhcpV4Options')),
    at('spec.dhcpV4Options'),
  );
  const dhcpV6Options = parseKeyValueList(
    optionalText(spec.dhcpV6Options, at('spec.dhcpV6Options')),
    at('spec.dhcpV6Options'),
  );
  const raText = optionalText(spec.ipv6RAConfigs, at('spec.ipv6RAConfigs'));
  const ipv6RAConfigs =
    raText.trim() === '' ? { ...DEFAULT_RA_CONFIGS } : parseKeyValueList(raText, at('spec.ipv6RAConfigs'));
  const mode = ipv6RAConfigs.address_mode;
  if (mode !== undefined && !RA_ADDRESS_MODES.includes(mode))
    throw new InvalidSpecError(
      at('spec.ipv6RAConfigs'),
      raText,
      `address_mode must be one of ${RA_ADDRESS_MODES.join(', ')}`,
    );
  const excludeIps =
    spec.excludeIps === undefined ? undefined : looseStringList(spec.excludeIps, at('spec.excludeIps'));
  return {
    name,
    vpc,
    blocks,
    gateways,
    acls,
    allowEWTraffic: flag(spec.allowEWTraffic, at('spec.allowEWTraffic')),
    private: flag(spec.private, at('spec.private')),
    allowSubnets,
    enableDHCP: flag(spec.enableDHCP, at('spec.enableDHCP')),
    dhcpV4Options,
    dhcpV6Options,
    mtu,
    enableIPv6RA: flag(spec.enableIPv6RA, at('spec.enableIPv6RA')),
    ipv6RAConfigs,
    excludeIps,
  };
}

/**
 * Reads the security and addressing fields of a Kube-OVN Subnet document (`{ metadata: { name
 * }, spec }`, or the spec's fields beside `name`), checked: an ACL with an unknown direction or
 * action, a priority out of range, a bad CIDR in `allowSubnets`, a malformed `dhcpV4Options`
 * are refused with the path (`Subnet net1: spec.allowSubnets[1]`). The ACL matches are checked
 * by {@link planSubnetSecurity}, which sees the address sets of the database.
 * @throws {@link InvalidSpecError}.
 */
export function parseSubnetSecurity(doc: unknown, field?: string): SubnetSecuritySpec {
  if (!isJsonObject(doc)) throw new InvalidSpecError(field ?? 'Subnet', doc, 'must be an object');
  const metadata = isJsonObject(doc.metadata) ? doc.metadata : undefined;
  const name = metadata?.name ?? doc.name;
  if (typeof name !== 'string' || name === '')
    throw new InvalidSpecError(
      field === undefined ? 'Subnet: metadata.name' : `${field}.metadata.name`,
      name,
      'required',
    );
  const specValue = doc.spec ?? (doc.metadata === undefined ? doc : undefined);
  if (!isJsonObject(specValue))
    throw new InvalidSpecError(
      field === undefined ? subnetField(name, 'spec') : `${field}.spec`,
      doc.spec,
      'must be an object',
    );
  const s = specValue;
  const raw: Record<string, unknown> = { name };
  const keys = [
    'vpc',
    'cidrBlock',
    'gateway',
    'acls',
    'allowEWTraffic',
    'private',
    'allowSubnets',
    'enableDHCP',
    'dhcpV4Options',
    'dhcpV6Options',
    'mtu',
    'enableIPv6RA',
    'ipv6RAConfigs',
    'excludeIps',
  ] as const;
  for (const key of keys) {
    const value = s[key];
    // Kube-OVN's defaults: an empty string or zero is "not set".
    if (value === undefined || value === null || value === '' || (key === 'mtu' && value === 0)) continue;
    raw[key] = value;
  }
  const spec = raw as unknown as SubnetSecuritySpec;
  try {
    checkSubnetSecurity(spec);
  } catch (error) {
    if (
      field !== undefined &&
      error instanceof InvalidSpecError &&
      error.field.startsWith(`Subnet ${name}: `)
    )
      throw new InvalidSpecError(
        `${field}.${error.field.slice(`Subnet ${name}: `.length)}`,
        error.value,
        error.reason,
        {
          cause: error.cause,
        },
      );
    throw error;
  }
  return spec;
}
