/**
 * The match checker against OVN 23.03 itself, on test/ovn/expr-corpus.json.
 *
 * Each expression is written as a Logical_Router_Policy of router `r1` (through
 * `addPolicyRoute` when `parseMatch` accepts it, which must then accept it too, by a raw insert
 * when it refuses it). ovn-northd
 * 23.03 does not parse policy matches: it copies each into a `lr_in_policy` Logical_Flow as it
 * is, valid or not. The parser that refuses them is ovn-controller's (lib/expr.c), which
 * ovn-trace shares: ovn-trace reads every logical flow of the Southbound database and logs
 * "<match>: parsing expression failed (<why>)" for each it cannot parse. So the judge is one
 * ovn-trace run per batch, with the Southbound's address sets and port groups, as
 * ovn-controller sees them; both directions must agree.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { connect, type Operation, type OvsdbClient } from '../../src/index.js';
import {
  addPolicyRoute,
  InvalidMatchError,
  type MatchExpression,
  type MatchOptions,
  matchFields,
  parseMatch,
} from '../../src/ovn/index.js';
import { findBinary } from '../../src/testing/index.js';
import { nbSandbox } from '../helpers/nb-sandbox.js';

const run = promisify(execFile);
const SB = 'OVN_Southbound';
const ROUTER = 'r1';
const BATCH = 150;
const FIRST_PRIORITY = 1000;

interface CorpusEntry {
  readonly group: string;
  readonly match: string;
  readonly source?: string;
}
interface Corpus {
  readonly addressSets: Readonly<Record<string, string[]>>;
  readonly expressions: readonly CorpusEntry[];
}
const corpus = JSON.parse(readFileSync(new URL('./expr-corpus.json', import.meta.url), 'utf8')) as Corpus;

/** Our verdict: undefined when accepted, else the refusal. */
function ourVerdict(match: string, options: MatchOptions): InvalidMatchError | undefined {
  try {
    parseMatch(match, options);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidMatchError) return error;
    throw error;
  }
}

/**
 * What ovn-trace logged about the flows it could not use: the matches it failed to parse
 * (with OVN's reason), and how many failed annotation (which names no match).
 */
function ovnRefusals(stderr: string): { parse: Map<string, string>; annotation: number } {
  const parse = new Map<string, string>();
  let annotation = 0;
  // A log record starts with "<time>|<seq>|<module>|<level>|"; a match may hold newlines.
  const records = stderr.split(/^(?=\d{4}-\d\d-\d\dT[^|\n]*\|\d+\|)/m);
  for (const record of records) {
    const body = /^[^|]*\|\d+\|ovntrace\|WARN\|([\s\S]*?)\n?$/.exec(record)?.[1];
    if (body === undefined) continue;
    const marker = ': parsing expression failed (';
    const at = body.lastIndexOf(marker);
    if (at >= 0) parse.set(body.slice(0, at), body.slice(at + marker.length, -1));
    else if (body.startsWith('match annotation failed')) annotation++;
  }
  return { parse, annotation };
}

/** Every field an expression names. */
function fieldsOf(expression: MatchExpression): string[] {
  switch (expression.kind) {
    case 'field':
    case 'comparison':
      return [expression.field.field.name];
    case 'not':
      return fieldsOf(expression.operand);
    case 'and':
    case 'or':
      return expression.operands.flatMap(fieldsOf);
    default:
      return [];
  }
}

describe('the match corpus, judged by OVN 23.03', { timeout: 90_000 }, () => {
  const env = nbSandbox();
  let sb: OvsdbClient;
  let options: MatchOptions;

  before(async () => {
    sb = await connect(env.sandbox.sbRemote);
    const { nbctl } = env.sandbox;
    await nbctl(
      'lr-add',
      ROUTER,
      '--',
      'lrp-add',
      ROUTER,
      'rp1',
      '00:00:00:00:00:01',
      '10.0.0.1/24',
      'fd00::1/64',
    );
    await nbctl(
      'ls-add',
      'ls1',
      '--',
      'lsp-add',
      'ls1',
      'lsp1',
      '--',
      'lsp-set-addresses',
      'lsp1',
      '00:00:00:00:00:02 10.0.0.2 fd00::2',
    );
    await nbctl('pg-add', 'pg1', 'lsp1');
    await env.apply(
      Object.entries(corpus.addressSets).map(([name, addresses]) => ({
        op: 'insert',
        table: 'Address_Set',
        row: { name, addresses: ['set', addresses] },
      })),
    );
    await env.sandbox.waitForNorthd();
    options = await southboundReferences(sb);
    // The replica has seen the router: its update came before the reply to the insert above.
    assert.equal(env.nb.where('Logical_Router', (r) => r.name === ROUTER).length, 1);
  });

  test('every expression: parseMatch and OVN agree', { timeout: 60_000 }, async (t) => {
    const started = Date.now();
    const disagreements: string[] = [];
    const missingFlows: string[] = [];
    let accepted = 0;
    let refused = 0;
    let refusedButCopied = 0;
    const tracePath = await findBinary('ovn-trace');
    for (let from = 0; from < corpus.expressions.length; from += BATCH) {
      const batch = corpus.expressions.slice(from, from + BATCH);
      const verdicts = batch.map((entry) => ourVerdict(entry.match, options));
      await env.apply([
        // The previous batch's policies go (they are not root rows: dropping the refs deletes them).
        {
          op: 'update',
          table: 'Logical_Router',
          where: [['name', '==', ROUTER]],
          row: { policies: ['set', []] },
        },
        ...batch.flatMap((entry, i) => policyOps(env.nb, entry.match, FIRST_PRIORITY + i, verdicts[i])),
      ]);
      await env.sandbox.waitForNorthd();
      const flows = await policyFlows(sb);
      const { stderr } = await run(
        tracePath,
        [
          `--db=${env.sandbox.sbRemote}`,
          ROUTER,
          'inport == "rp1" && eth.src == 00:00:00:00:00:02 && eth.dst == 00:00:00:00:00:01 && ' +
            'ip4.src == 10.0.0.2 && ip4.dst == 10.0.0.3 && ip.ttl == 64',
        ],
        { timeout: 20_000, maxBuffer: 64 * 1024 * 1024 },
      );
      const ovn = ovnRefusals(stderr);
      assert.equal(ovn.annotation, 0, `ovn-trace failed to annotate ${ovn.annotation} flows:\n${stderr}`);
      batch.forEach((entry, i) => {
        const ours = verdicts[i];
        const ovnReason = ovn.parse.get(entry.match);
        const copied = flows.has(`${FIRST_PRIORITY + i}|${entry.match}`);
        if (ours === undefined) accepted++;
        else refused++;
        if (ours === undefined && !copied) missingFlows.push(JSON.stringify(entry.match));
        if (ours !== undefined && copied) refusedButCopied++;
        // OVNDB_CORPUS_VERBOSE=1 prints every verdict, to read OVN's reasons next to ours.
        if (process.env.OVNDB_CORPUS_VERBOSE === '1')
          t.diagnostic(
            `${JSON.stringify(entry.match)}: ours ${ours?.reason ?? 'ok'} | OVN ${ovnReason ?? 'ok'}`,
          );
        if ((ours === undefined) !== (ovnReason === undefined))
          disagreements.push(
            `${JSON.stringify(entry.match)} [${entry.group}]: ours ${ours === undefined ? 'accepts' : `refuses (${ours.message})`}, OVN ${ovnReason === undefined ? 'accepts' : `refuses (${ovnReason})`}`,
          );
      });
    }
    const total = corpus.expressions.length;
    t.diagnostic(
      `${total} expressions in ${Math.ceil(total / BATCH)} batches, ${Date.now() - started} ms: ` +
        `${accepted} accepted, ${refused} refused; ${total - disagreements.length} agree with OVN, ` +
        `${disagreements.length} disagree`,
    );
    t.diagnostic(
      `ovn-northd copied ${refusedButCopied} of the ${refused} refused matches into lr_in_policy flows anyway`,
    );
    for (const line of disagreements) t.diagnostic(line);
    assert.deepEqual(missingFlows, [], 'accepted policies without their lr_in_policy flow');
    assert.deepEqual(disagreements, []);
    assert.ok(accepted >= 100 && refused >= 100, 'the corpus holds both kinds');
  });

  test('the corpus names every field in an accepted expression, and has no duplicate', () => {
    const named = new Set<string>();
    for (const { match } of corpus.expressions) {
      if (ourVerdict(match, options) === undefined)
        for (const field of fieldsOf(parseMatch(match, options))) named.add(field);
    }
    assert.deepEqual(
      matchFields()
        .map((field) => field.name)
        .filter((name) => !named.has(name)),
      [],
    );
    const matches = corpus.expressions.map((entry) => entry.match);
    assert.equal(new Set(matches).size, matches.length);
    assert.ok(matches.length >= 250);
  });
});

/**
 * The address sets and port groups a match on `r1`'s pipeline can name, read where
 * ovn-controller reads them: Southbound address sets (ovn-northd adds `<port group>_ip4`/`_ip6`),
 * and Southbound port groups, named `<datapath tunnel key>_<name>` (or, by OVN's fallback, the
 * bare name).
 */
async function southboundReferences(sb: OvsdbClient): Promise<MatchOptions> {
  const [sets, groups, datapaths] = (await sb.transact(SB, [
    { op: 'select', table: 'Address_Set', where: [], columns: ['name', 'addresses'] },
    { op: 'select', table: 'Port_Group', where: [], columns: ['name'] },
    { op: 'select', table: 'Datapath_Binding', where: [], columns: ['tunnel_key', 'external_ids'] },
  ])) as Array<{ rows: Array<Record<string, unknown>> }>;
  const setValues = (value: unknown): string[] =>
    Array.isArray(value) && value[0] === 'set' ? (value[1] as string[]) : [value as string];
  const addressSets = new Map(sets?.rows.map((row) => [row.name as string, setValues(row.addresses)]) ?? []);
  const router = datapaths?.rows.find((row) =>
    (row.external_ids as ['map', [string, string][]])[1].some(([k, v]) => k === 'name' && v === ROUTER),
  );
  assert.ok(router !== undefined, 'the router has a datapath');
  const prefix = `${router.tunnel_key as number}_`;
  const portGroups = new Set<string>();
  for (const row of groups?.rows ?? []) {
    const name = row.name as string;
    portGroups.add(name);
    if (name.startsWith(prefix)) portGroups.add(name.slice(prefix.length));
  }
  assert.ok(addressSets.has('pg1_ip4'), 'northd made the port group address sets');
  return { addressSets, portGroups };
}

/** `priority|match` of every lr_in_policy flow. */
async function policyFlows(sb: OvsdbClient): Promise<Set<string>> {
  const [result] = (await sb.transact(SB, [
    {
      op: 'select',
      table: 'Logical_Flow',
      where: [['external_ids', 'includes', ['map', [['stage-name', 'lr_in_policy']]]]],
      columns: ['priority', 'match'],
    },
  ])) as Array<{ rows: Array<{ priority: number; match: string }> }>;
  return new Set(result?.rows.map((row) => `${row.priority}|${row.match}`));
}

/** The policy: through addPolicyRoute when our parser accepts the match, raw otherwise. */
function policyOps(
  nb: Parameters<typeof addPolicyRoute>[0],
  match: string,
  priority: number,
  refusal: InvalidMatchError | undefined,
): Operation[] {
  const action = priority % 2 === 0 ? 'allow' : 'drop';
  if (refusal === undefined)
    return addPolicyRoute(nb, { router: ROUTER, priority, match, action }) as Operation[];
  return [
    {
      op: 'insert',
      table: 'Logical_Router_Policy',
      row: { priority, match, action },
      'uuid-name': `p${priority}`,
    },
    {
      op: 'mutate',
      table: 'Logical_Router',
      where: [['name', '==', ROUTER]],
      mutations: [['policies', 'insert', ['set', [['named-uuid', `p${priority}`]]]]],
    },
  ];
}
