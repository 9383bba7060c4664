/**
 * Reads the detailed (default) output of `ovn-trace` 23.03 into what happened to the packet.
 *
 * ovn-trace builds a tree (pipelines contain tables, tables contain actions, and an action
 * such as `next;` or `output;` nests the next table or pipeline under it) and prints it
 * depth-first. To keep deep chains readable it does NOT indent the last child of a node, and
 * always indents actions one step (4 spaces) past their table; a title (a pipeline such as
 * `ingress(dp="sw1", inport="vm1")`, or a transformation such as `arp`) is underlined with
 * dashes. So the tree is read back from the order of lines plus their indentation: an action
 * belongs to the latest table printed to its left, and a packet that leaves through a patch
 * port continues in the peer's `ingress(...)` title printed right after the
 * `/* output to "X", type "patch" *\/` line.
 */

/** What ovn-trace says happened to the traced packet. */
export type TraceVerdict =
  | {
      readonly kind: 'output';
      /** The logical port the packet finally leaves through (after any patch ports). */
      readonly port: string;
      /** The logical datapath of that port's egress pipeline. */
      readonly datapath?: string;
    }
  | {
      readonly kind: 'drop';
      /** The pipeline stage that dropped it, e.g. `lr_in_policy`. */
      readonly stage?: string;
      /** The logical table number of that stage, e.g. 15. */
      readonly table?: number;
      /** The logical datapath (switch or router name) where it was dropped. */
      readonly datapath?: string;
    }
  | { readonly kind: 'unknown' };

/** One step of the trace that decides the verdict, in the order ovn-trace printed it. */
export type TraceEvent =
  | {
      readonly kind: 'output';
      readonly port: string;
      /** The port's Southbound type: `""` for a VIF, `patch`, `localnet`, ... */
      readonly portType: string;
      /** True when the packet continued into the peer's ingress pipeline (patch ports). */
      readonly passedThrough: boolean;
      readonly datapath?: string;
    }
  | {
      readonly kind: 'drop';
      /**
       * `drop` (a `drop;` action), `no-match` (implicit drop), `loopback` (inport == outport),
       * or `replaced`: an action such as `arp { ... }` or `icmp4 { ... }` turned the packet into
       * a new one (an ARP request for an unresolved next hop, an ICMP error), see `replacedBy`.
       */
      readonly reason: 'drop' | 'no-match' | 'loopback' | 'replaced';
      /** For `replaced`: the action, e.g. `arp`, `nd_ns`, `icmp4`. */
      readonly replacedBy?: string;
      readonly stage?: string;
      readonly table?: number;
      readonly datapath?: string;
    };

/** Everything {@link parseOvnTrace} reads from one trace. */
export interface ParsedTrace {
  readonly verdict: TraceVerdict;
  /** Ports the packet was delivered to (not patch hops), in order; a flood lists several. */
  readonly outputs: readonly string[];
  /** Outputs and drops of the traced packet, in order (packets it generated are left out). */
  readonly events: readonly TraceEvent[];
  /** ovn-trace's own complaints (`*** ...` lines), e.g. `*** output to null logical port`. */
  readonly errors: readonly string[];
}

/**
 * Transformations that make a NEW packet (an ARP or ND request, an ICMP error, a TCP reset):
 * what happens to that packet says nothing about the traced one, so their subtrees are skipped.
 * `clone`, `ct_next(...)` and `ct_dnat`/`ct_snat` carry the traced packet on and are kept.
 */
const GENERATED = new Set(['arp', 'nd_ns', 'nd_na', 'icmp4', 'icmp6', 'tcp_reset']);

const TABLE_LINE = /^( *)(\d+)\. (.*)$/;
const DASHES = /^ *-+$/;
const PIPELINE = /^(ingress|egress|multicast)\(dp="([^"]*)"/;
const OUTPUT = /^\/\* output to "([^"]*)", type "([^"]*)" \*\/$/;
const LOOPBACK = /^\/\* omitting output because inport == outport/;
const STAGE = /^([A-Za-z0-9_]+)(?: \([^)]*\))?: /;

interface Scope {
  readonly indent: number;
  readonly stage?: string;
  readonly table?: number;
  readonly datapath?: string;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** A table line is printed as `%2d. `, so single-digit tables carry one extra leading space. */
function tableIndent(spaces: string, digits: string): number {
  return spaces.length - (digits.length === 1 && spaces.length > 0 ? 1 : 0);
}

/** Parses the detailed output of `ovn-trace` (the default format). */
export function parseOvnTrace(text: string): ParsedTrace {
  const lines = text.split('\n');
  const isTitle = (i: number): boolean => {
    const next = lines[i + 1];
    return next !== undefined && DASHES.test(next) && next.trim().length === (lines[i] ?? '').trim().length;
  };
  const nextContent = (from: number): number => {
    let i = from;
    while (i < lines.length && (lines[i] ?? '').trim() === '') i++;
    return i;
  };

  const events: TraceEvent[] = [];
  const errors: string[] = [];
  const tables: Scope[] = [];
  const pipelines: Scope[] = [];
  const datapathAt = (indent: number): string | undefined => {
    for (let k = pipelines.length - 1; k >= 0; k--) {
      const pipeline = pipelines[k] as Scope;
      if (pipeline.indent <= indent) return pipeline.datapath;
    }
    return undefined;
  };
  const ownerAt = (indent: number): Scope | undefined => {
    while (tables.length > 0 && (tables[tables.length - 1] as Scope).indent >= indent) tables.pop();
    return tables[tables.length - 1];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const content = line.trim();
    if (content === '' || content.startsWith('# ') || DASHES.test(line)) continue;
    const indent = indentOf(line);

    if (isTitle(i)) {
      if (GENERATED.has(content)) {
        events.push(dropEvent('replaced', ownerAt(indent + 1), content));
        i = skipSubtree(lines, i, indent) - 1;
        continue;
      }
      const pipeline = PIPELINE.exec(content);
      if (pipeline !== null) {
        while (pipelines.length > 0 && (pipelines[pipelines.length - 1] as Scope).indent >= indent)
          pipelines.pop();
        pipelines.push({ indent, datapath: pipeline[2] as string });
      }
      continue;
    }

    const tableLine = TABLE_LINE.exec(line);
    if (tableLine !== null) {
      const tIndent = tableIndent(tableLine[1] as string, tableLine[2] as string);
      const body = tableLine[3] as string;
      const stage = STAGE.exec(body)?.[1];
      const scope: Scope = {
        indent: tIndent,
        table: Number(tableLine[2]),
        datapath: datapathAt(tIndent),
        ...(stage === undefined || stage === 'no' ? {} : { stage }),
      };
      ownerAt(tIndent);
      tables.push(scope);
      if (body.endsWith('no match (implicit drop)')) events.push(dropEvent('no-match', scope));
      continue;
    }

    const owner = ownerAt(indent);
    if (content === 'drop;') {
      events.push(dropEvent('drop', owner));
    } else if (LOOPBACK.test(content)) {
      events.push(dropEvent('loopback', owner));
    } else if (content.startsWith('***')) {
      errors.push(content);
    } else {
      const output = OUTPUT.exec(content);
      if (output !== null) {
        const after = nextContent(i + 1);
        const follower = (lines[after] ?? '').trim();
        const passedThrough =
          after < lines.length &&
          isTitle(after) &&
          follower.startsWith('ingress(') &&
          indentOf(lines[after] as string) <= indent;
        events.push({
          kind: 'output',
          port: output[1] as string,
          portType: output[2] as string,
          passedThrough,
          ...(owner?.datapath === undefined ? {} : { datapath: owner.datapath }),
        });
      }
    }
  }
  const delivered = events.filter(
    (event): event is Extract<TraceEvent, { kind: 'output' }> =>
      event.kind === 'output' && !event.passedThrough,
  );
  return { verdict: verdictOf(events, delivered), outputs: delivered.map((e) => e.port), events, errors };
}

function dropEvent(
  reason: 'drop' | 'no-match' | 'loopback' | 'replaced',
  owner: Scope | undefined,
  replacedBy?: string,
): TraceEvent {
  return {
    kind: 'drop',
    reason,
    ...(replacedBy === undefined ? {} : { replacedBy }),
    ...(owner?.stage === undefined ? {} : { stage: owner.stage }),
    ...(owner?.table === undefined ? {} : { table: owner.table }),
    ...(owner?.datapath === undefined ? {} : { datapath: owner.datapath }),
  };
}

/**
 * The packet was delivered if it left through any non-patch port (the last one is reported);
 * otherwise it was dropped where the last drop happened; otherwise ovn-trace said neither.
 */
function verdictOf(
  events: readonly TraceEvent[],
  delivered: ReadonlyArray<Extract<TraceEvent, { kind: 'output' }>>,
): TraceVerdict {
  const last = delivered[delivered.length - 1];
  if (last !== undefined) {
    return {
      kind: 'output',
      port: last.port,
      ...(last.datapath === undefined ? {} : { datapath: last.datapath }),
    };
  }
  for (let k = events.length - 1; k >= 0; k--) {
    const event = events[k] as TraceEvent;
    if (event.kind === 'drop') {
      return {
        kind: 'drop',
        ...(event.stage === undefined ? {} : { stage: event.stage }),
        ...(event.table === undefined ? {} : { table: event.table }),
        ...(event.datapath === undefined ? {} : { datapath: event.datapath }),
      };
    }
  }
  return { kind: 'unknown' };
}

/**
 * The index of the first line after the subtree of the title at line `title` (indent `h`).
 * A transformation title is printed right after the action that made it (`arp { ... };`).
 * Printed as its table's last child, it sits one step left of that action and keeps its own
 * children at indent >= h; printed as an earlier child, it sits level with the action and
 * indents its children past h. Either way the subtree ends at the first line left of that.
 */
function skipSubtree(lines: readonly string[], title: number, h: number): number {
  let previous = title - 1;
  while (previous >= 0 && (lines[previous] ?? '').trim() === '') previous--;
  const indented = previous >= 0 && effectiveIndent(lines[previous] as string) === h;
  const bound = indented ? h + 4 : h;
  let i = title + 2;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() !== '' && !DASHES.test(line) && effectiveIndent(line) < bound) return i;
    i++;
  }
  return i;
}

function effectiveIndent(line: string): number {
  const table = TABLE_LINE.exec(line);
  return table === null ? indentOf(line) : tableIndent(table[1] as string, table[2] as string);
}
