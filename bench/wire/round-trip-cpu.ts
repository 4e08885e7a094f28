/**
 * Server CPU per round trip of YCSB's statements over the wire, A/B between source trees: each
 * tree's stratadb CLI runs as its own server (a fresh data directory, the YCSB usertable loaded with
 * the same records), and one node-postgres client loop per connection sends the YCSB read (named
 * prepared `SELECT * … WHERE ycsb_key = $1`: Bind/Execute/Sync) or update, closed loop, for a
 * window. Servers take turns window by window (A B A B …), so machine noise hits all alike.
 *
 * - Reported per window: server CPU µs/op (user + system from /proc over the window) and ops/s;
 *   the summary gives the median per tree and mode.
 * - Keys are uniform over the loaded records (the wire cost does not depend on the distribution).
 *
 * Run: `npx tsx bench/wire/round-trip-cpu.ts --trees /tmp/a,/work/main [--connections 1]
 *   [--records 10000] [--seconds 5] [--windows 4] [--modes read,update] [--profile DIR]
 *   [--node-args="--perf-basic-prof"]`
 * A tree is a directory holding src/cli.ts and a node_modules (a symlink to this one will do).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { startStratadb } from '../../test/support/stratadb.js';
import type { ServerHandle } from '../../test/support/server-handle.js';
import { connectClient, loadUsertable, READ_STATEMENT, UPDATE_STATEMENTS } from '../ycsb/usertable.js';
import { ycsbKey } from '../ycsb/fnv-hash.js';

type Mode = 'read' | 'update';

interface Tree {
  /** "index:root", unique even when a tree is given twice (to see the noise). */
  readonly label: string;
  readonly server: ServerHandle;
  readonly clients: pg.Client[];
}

const { values } = parseArgs({
  options: {
    trees: { type: 'string', default: '.' },
    connections: { type: 'string', default: '1' },
    records: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '5' },
    windows: { type: 'string', default: '4' },
    modes: { type: 'string', default: 'read' },
    profile: { type: 'string' },
    'node-args': { type: 'string', default: '' },
    sync: { type: 'string', default: 'relaxed' },
  },
});
const CONNECTIONS = Number(values.connections);
const RECORDS = Number(values.records);
const WINDOW_S = Number(values.seconds);
const WINDOWS = Number(values.windows);
const MODES = values.modes.split(',') as Mode[];

async function startTree(root: string, index: number): Promise<Tree> {
  const nodeArgs = values['node-args'].split(/\s+/).filter((arg) => arg !== '');
  if (values.profile !== undefined) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${join(values.profile, String(index))}`);
  const server = await startStratadb({
    command: ['--import', 'tsx', join(root, 'src', 'cli.ts')],
    nodeArgs,
    sync: values.sync === 'full' ? 'full' : 'relaxed',
    extraArgs: ['--log-level', 'warn'],
  });
  const target = { host: server.host, port: server.port, user: 'postgres', database: 'postgres' };
  await loadUsertable(target, RECORDS, 4);
  const clients: pg.Client[] = [];
  for (let i = 0; i < CONNECTIONS; i++) clients.push(await connectClient(target));
  return { label: `${index}:${root}`, server, clients };
}

/** One client's closed loop until `endMs`; returns the operations completed. */
async function loop(client: pg.Client, mode: Mode, endMs: number, seed: number): Promise<number> {
  let ops = 0;
  let state = seed >>> 0 || 1;
  while (performance.now() < endMs) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const key = ycsbKey((state >>> 0) % RECORDS);
    if (mode === 'read') await client.query({ ...READ_STATEMENT, values: [key] });
    else await client.query({ ...(UPDATE_STATEMENTS[ops % UPDATE_STATEMENTS.length] as pg.QueryConfig), values: ['x'.repeat(100), key] });
    ops++;
  }
  return ops;
}

interface WindowResult {
  readonly cpuUsPerOp: number;
  readonly systemUsPerOp: number;
  readonly opsPerS: number;
}

/** [user, system] CPU ms of a process (all its threads), from /proc (ticks of 10 ms). */
function cpuMs(pid: number): [number, number] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return [Number(fields[11]) * 10, Number(fields[12]) * 10];
}

async function window(tree: Tree, mode: Mode): Promise<WindowResult> {
  const pid = tree.server.pid ?? 0;
  const [userStartMs, systemStartMs] = cpuMs(pid);
  const startMs = performance.now();
  const counts = await Promise.all(tree.clients.map((client, i) => loop(client, mode, startMs + WINDOW_S * 1000, 0x9e3779b9 + i)));
  const elapsedMs = performance.now() - startMs;
  const [userEndMs, systemEndMs] = cpuMs(pid);
  const ops = counts.reduce((a, b) => a + b, 0);
  const systemUsPerOp = ((systemEndMs - systemStartMs) * 1000) / ops;
  return { cpuUsPerOp: ((userEndMs - userStartMs) * 1000) / ops + systemUsPerOp, systemUsPerOp, opsPerS: (ops * 1000) / elapsedMs };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const roots = values.trees.split(',');
  const trees: Tree[] = [];
  try {
    for (const [i, root] of roots.entries()) trees.push(await startTree(root, i));
    for (const tree of trees) for (const mode of MODES) await window(tree, mode); // warm-up
    const results = new Map<string, WindowResult[]>();
    for (let w = 0; w < WINDOWS; w++) {
      for (const mode of MODES) {
        const order = w % 2 === 0 ? trees : [...trees].reverse();
        for (const tree of order) {
          const result = await window(tree, mode);
          const key = `${tree.label}\t${mode}`;
          results.set(key, [...(results.get(key) ?? []), result]);
          console.log(`window ${w} ${mode.padEnd(6)} ${tree.label.padEnd(20)} ${result.cpuUsPerOp.toFixed(1).padStart(7)} µs/op (sys ${result.systemUsPerOp.toFixed(1)}) ${Math.round(result.opsPerS).toString().padStart(7)} ops/s`);
        }
      }
    }
    console.log(`\nmedian over ${WINDOWS} windows of ${WINDOW_S} s, ${CONNECTIONS} connection(s):`);
    for (const [key, list] of results) {
      const [root, mode] = key.split('\t');
      const cpu = median(list.map((r) => r.cpuUsPerOp));
      const ops = median(list.map((r) => r.opsPerS));
      const system = median(list.map((r) => r.systemUsPerOp));
      console.log(`${(mode ?? '').padEnd(6)} ${(root ?? '').padEnd(20)} ${cpu.toFixed(1).padStart(7)} µs/op (sys ${system.toFixed(1)}) ${Math.round(ops).toString().padStart(7)} ops/s`);
    }
  } finally {
    for (const tree of trees) {
      for (const client of tree.clients) await client.end().catch(() => undefined);
      await tree.server.stop();
    }
  }
}

await main();
