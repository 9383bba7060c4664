/**
 * The benchmark report's parts: the SVG chart is well-formed and scales bars by the log of
 * their values, the docs section is replaced whole and only between its markers, the
 * machine record reads real package versions, and the progress bar writes what a terminal
 * and a log each need.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { replaceSection } from '../../bench/report/docs-section.js';
import { machineInfo, machineMarkdown } from '../../bench/report/machine.js';
import { formatSeconds, ProgressBar } from '../../bench/report/progress.js';
import { barChartSvg, escapeXml, shortNumber } from '../../bench/report/svg-chart.js';

describe('benchmark report', () => {
  test('the chart: one rect per bar, widths by log scale, text escaped', () => {
    const svg = barChartSvg(
      [
        {
          label: 'unix W1',
          bars: [
            { name: 'raw', value: 10_000, min: 9000, max: 11_000 },
            { name: 'ovndb', value: 1000 },
          ],
        },
        { label: 'raft <3>', bars: [{ name: 'raw', value: 100 }] },
      ],
      { title: 'W1 & friends', unit: 'txn/s', width: 400 },
    );
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    assert.match(svg, /raft &lt;3&gt;/);
    assert.match(svg, /W1 &amp; friends/);
    const widths = [...svg.matchAll(/<rect x="150" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.equal(widths.length, 3);
    // The axis runs over whole decades, 10 to 100k (the max whisker is 11k): 100 px a decade.
    assert.deepEqual(
      widths.map((w) => Math.round(w)),
      [300, 200, 100],
    );
    assert.equal(
      svg.match(/<line x1="[\d.]+" y1="\d+" x2="[\d.]+" y2="\d+" stroke="#222"/g)?.length,
      1,
      'one whisker',
    );
    assert.equal(shortNumber(14_400), '14k');
    assert.equal(shortNumber(1_840), '1.8k');
    assert.equal(shortNumber(118), '118');
    assert.equal(escapeXml('"a"'), '&quot;a&quot;');
  });

  test('the docs section is replaced between its markers, or appended', () => {
    const doc = '# B\n\nprose\n<!-- bench:w1 -->\nold\n<!-- /bench:w1 -->\nafter\n';
    assert.equal(
      replaceSection(doc, 'w1', 'new\n'),
      '# B\n\nprose\n<!-- bench:w1 -->\nnew\n<!-- /bench:w1 -->\nafter\n',
    );
    assert.equal(replaceSection('# B\n', 'w2', 'x'), '# B\n\n<!-- bench:w2 -->\nx\n<!-- /bench:w2 -->\n');
    assert.throws(() => replaceSection('<!-- /bench:w1 -->\n<!-- bench:w1 -->', 'w1', 'x'), RangeError);
    assert.throws(() => replaceSection(doc, 'W 1', 'x'), RangeError);
  });

  test('the machine record names the packages measured, with their Debian versions', async () => {
    const machine = await machineInfo();
    assert.ok(machine.cores >= 1);
    assert.match(
      machine.packages['openvswitch-common'] ?? '',
      /^\d+\.\d+/,
      'installed on every test machine',
    );
    assert.match(machine.packages['ovn-central'] ?? '', /^\d+\.\d+/);
    assert.match(machineMarkdown(machine), /^Machine: .+, \d+ cores, .* GiB, Linux .*Node v\d+/s);
  });

  test('progress: a redrawn line on a terminal, a line per tenth in a log', () => {
    const tty: string[] = [];
    const bar = new ProgressBar(4, 'bench', { isTTY: true, write: (t) => tty.push(t) });
    for (let i = 0; i < 4; i++) bar.tick(`step ${i}`);
    assert.ok(tty.every((t) => t.startsWith('\r') || t === '\n'));
    assert.match(tty[3] ?? '', /\[#{24}\] 4\/4/);
    const log: string[] = [];
    const plain = new ProgressBar(100, 'bench', { isTTY: false, write: (t) => log.push(t) });
    for (let i = 0; i < 100; i++) plain.tick('x');
    assert.equal(log.length, 11, 'the first step, then each tenth');
    assert.match(log.at(-1) ?? '', /^bench: 100\/100 \(100 %\)/);
    assert.equal(formatSeconds(75), '1m15s');
  });
});
