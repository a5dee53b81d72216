// `pnpm bench [suite ...]`: runs the benchmark suites and prints one table. Every row compares a
// console measurement with a reference measured in the same run (kube-sim directly, `kubectl
// proxy`, `kubectl logs -f`), never a bare time against a number from another machine.
//
// Adding a suite: write bench/<name>.ts exporting an async function that returns BenchRow[]
// (it starts and stops whatever it needs), and add one line to `suites` below.
import type { BenchRow } from './bench-row.js';

interface Suite {
  name: string;
  run: () => Promise<BenchRow[]>;
}

const suites: Suite[] = [
  { name: 'proxy', run: async () => (await import('./proxy.js')).runProxyBenchmarks() },
  { name: 'watch-hub', run: async () => (await import('./watch-hub.js')).runWatchHubBenchmarks() },
  { name: 'streams', run: async () => (await import('./streams.js')).runStreamBenchmarks() },
  { name: 'web-pods', run: async () => (await import('./web-pods.js')).runWebPodsBenchmarks() },
];

function printTable(rows: (BenchRow & { suite: string })[]): void {
  const header = ['suite', 'measurement', 'console', 'reference', 'ratio', 'target'];
  const lines = rows.map((r) => [r.suite, r.name, r.value, r.reference, r.ratio, r.target ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const selected = wanted.length ? suites.filter((s) => wanted.includes(s.name)) : suites;
  if (wanted.length && selected.length !== wanted.length) {
    throw new Error(`unknown suite in ${wanted.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
  }
  const rows: (BenchRow & { suite: string })[] = [];
  let failed = false;
  for (const suite of selected) {
    console.error(`running ${suite.name}...`);
    const started = performance.now();
    try {
      for (const row of await suite.run()) rows.push({ suite: suite.name, ...row });
    } catch (err) {
      failed = true;
      console.error(`suite ${suite.name} failed: ${(err as Error).stack ?? String(err)}`);
      rows.push({ suite: suite.name, name: 'FAILED', value: (err as Error).message.slice(0, 80), reference: '', ratio: '' });
    }
    console.error(`${suite.name} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  printTable(rows);
  process.exit(failed ? 1 : 0);
}

await main();
