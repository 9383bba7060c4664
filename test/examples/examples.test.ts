/**
 * Every program under docs/examples runs to the end against real servers (each starts and
 * stops its own), and prints what its header promises. A new example without expectations
 * here fails the suite, so no example goes untested.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DIR = 'docs/examples';

const expectations: Record<string, RegExp[]> = {
  // npm run demo: the seed's VPC peering with northd and ovn-trace as the judges.
  'demo.ts': [
    /create router vpc-1/,
    /create subnet net2 on vpc-2/,
    /peer vpc-1 with vpc-2 \(169\.254\.0\.1\/30\)/,
    /route dst-ip 10\.0\.0\.0\/16 via 169\.254\.0\.1/,
    /applying step 2 again sends 0 operations/,
    /port vpc-1-vpc-2 +\S+ 169\.254\.0\.1\/30 peer vpc-2-vpc-1/,
    // ovn-nbctl's own listing of the route the helper wrote.
    /^\s+172\.31\.0\.0\/16\s+169\.254\.0\.2 dst-ip/m,
    /vpc-1-pod \(10\.0\.0\.2\) -> 172\.31\.0\.2: output to "vpc-2-pod"/,
    /vpc-2-pod \(172\.31\.0\.2\) -> 10\.0\.0\.2: output to "vpc-1-pod"/,
    /sandbox stopped/,
  ],
  // npm run demo:ic: two AZs learning each other's routes, then az1 reset.
  'ic-demo.ts': [
    /az1: joined ts with az1-ts/,
    /az2: joined ts with az2-ts/,
    /both AZs learned each other's routes \d+ ms after the first establish/,
    /^ {2}availability-zone az1$/m,
    /^ {6}gateway gw1\n {10}hostname: az1-gw\n {10}type: geneve\n {14}ip: 127\.0\.0\.1\n {10}port ts-az1\n {14}transit switch: ts\n {14}address: \["[0-9a-f:]{17} 169\.254\.100\.\d+\/24"\]$/m,
    /^ {2}10\.16\.0\.0\/24 +via 169\.254\.100\.\d+ +connected from az1 on ts$/m,
    /^ {2}192\.168\.2\.0\/24 +via 169\.254\.100\.\d+ +static +from az2 on ts$/m,
    /IC-SB: zone true/,
    /az2 now has 0 learned routes/,
    /lab stopped/,
  ],
  // npm run demo:policy: a NetworkPolicy from YAML, northd and ovn-trace as the judges.
  'policy-demo.ts': [
    // One applyResources call: the pods' switch ports, then the policy's rows.
    /Pod default\/web: create switch port web\.default on net1 \(10\.0\.0\.10\)/,
    /Pod default\/other: create switch port other\.default on net1 \(10\.0\.0\.12\)/,
    /NetworkPolicy default\/web-allow-clients: create port group web\.allow\.clients\.default \(1 ports\)/,
    /port group web\.allow\.clients\.default: web\.default/,
    /acl to-lport 2001 allow-related +outport == @web\.allow\.clients\.default && ip && ip4\.src == \$web\.allow\.clients\.default\.ingress\.allow\.IPv4\.0 && tcp\.dst == 80/,
    /acl to-lport 2000 drop +outport == @web\.allow\.clients\.default && ip$/m,
    /address set web\.allow\.clients\.default\.ingress\.allow\.IPv4\.0: 10\.0\.0\.11$/m,
    /client \(10\.0\.0\.11\) -> web:80: delivered to "web\.default" \(allowed at ls_out_acl by ACL "np\/web-allow-clients\.default\/ingress\/IPv4\/0", priority 2001\)/,
    /other \(10\.0\.0\.12\) -> web:80: dropped at ls_out_acl \(default deny: ACL "default\/web-allow-clients", priority 2000\)/,
    // The negative twin: other labelled role=client joins the address set and gets through.
    /address set web\.allow\.clients\.default\.ingress\.allow\.IPv4\.0: \+1 -0\n {2}\(1 operation\)/,
    /other \(10\.0\.0\.12\) -> web:80: delivered to "web\.default"/,
    /applying the same YAML again sends 0 operations/,
    /sandbox stopped/,
  ],
  // The README's example.
  'quick-start.ts': [
    /\[ 'create router vpc-1', 'route dst-ip 172\.31\.0\.0\/16 via 169\.254\.0\.2' \]/,
    /vpc-1 has 1 static route\(s\)/,
    /again: 0 operations/,
    /session closed/,
  ],
  // Two controller processes, leader election by lock, a raft leader kill, a tampering, a controller kill.
  'reconcile-loop.ts': [
    /^controller A: leading$/m,
    /^vpc-a has its route$/m,
    /^raft leader \(member \d\) killed$/m,
    /^the desired change landed on the new raft leader$/m,
    /^the leading controller put it back$/m,
    /^controller B: leading$/m,
    /^controller B took the lock and applied the change$/m,
    /^stopped$/m,
  ],
  'typed-transactions.ts': [
    /replica sees vpc-demo with 2 routes right after the commit/,
    /optimistic transaction: 3 routes after 1 attempt/,
    /change: update Logical_Router/,
    /^\s+10\.0\.1\.0\/24\s/m,
    /^\s+192\.168\.0\.0\/16\s/m,
    /^\s+0\.0\.0\.0\/0\s/m,
    /sandbox stopped/,
  ],
};

describe('docs/examples', { timeout: 400_000 }, () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

  test('every example has expectations', () => {
    assert.deepEqual(
      files.filter((f) => expectations[f] === undefined),
      [],
    );
  });

  for (const file of files) {
    // The bound of a run: the controller story kills a raft leader and a controller process.
    const timeoutMs = file === 'reconcile-loop.ts' ? 150_000 : 50_000;
    test(file, { timeout: timeoutMs + 10_000 }, async () => {
      const { stdout } = await run(
        process.execPath,
        ['--conditions=ovndb-source', '--import', 'tsx', `${DIR}/${file}`],
        { timeout: timeoutMs },
      );
      for (const pattern of expectations[file] ?? []) assert.match(stdout, pattern);
    });
  }
});
