/**
 * Server CPU per round trip of YCSB's statements over the wire, A/B between source trees: each
 * tree's stratadb CLI runs as its own server (a fresh data directory, the YCSB usertable loaded with
 * the same records), and one node-postgres client loop per connection sends the YCSB read (named
 * prepared `SELECT * … WHERE ycsb_key = $1`: Bind/Execute/Sync) or update, closed loop, for a
 * window. Servers take turns window by window (A B A B …), so machine noise hits all alike.
 *
 * - Reported per window: server CPU µs/op (user + system from /proc over the window: the process
 *   and its children, so PostgreSQL's backends count), ops/s and the p50/p90 latency of the
 *   window's operations (µs, as the client sees them), and for stratadb the commits per commit
 *   group (SHOW METRICS); the summary gives the median per tree and mode.
 * - `--postgres` adds a PostgreSQL 15 server (test/support/postgres.ts, its defaults) that takes
 *   its turn like a tree: the 1-connection latency comparison of issue 9 in alternated windows.
 * - `--tree-env "K=V K2=V2;…"` gives each tree's server environment variables (`;` between trees).
 * - `--tree-args="--idle-poll-us 0;…"` gives each tree's server more CLI arguments (`;` between
 *   trees): one tree given twice with different options compares the options.
 * - Keys are uniform over the loaded records (the wire cost does not depend on the distribution).
 *
 * Run: `npx tsx bench/wire/round-trip-cpu.ts --trees /tmp/a,/work/main [--connections 1]
 *   [--records 10000] [--seconds 5] [--windows 4] [--modes read,update] [--profile DIR]
 *   [--node-args="--perf-basic-prof"] [--postgres] [--tree-env "K=V;…"] [--tree-args="--opt V;…"]`
 * A tree is a directory holding src/cli.ts and a node_modules (a symlink to this one will do).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { SERVER_NODE_FLAGS } from '../../src/server-node-flags.js';
import { startStratadb } from '../../test/support/stratadb.js';
import { startPostgres } from '../../test/support/postgres.js';
import { processTreeCpuMs } from '../support/process-cpu.js';
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
    postgres: { type: 'boolean', default: false },
    'tree-env': { type: 'string', default: '' },
    'tree-args': { type: 'string', default: '' },
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
  const env = Object.fromEntries(
    (values['tree-env'].split(';')[index] ?? '')
      .split(/\s+/)
      .filter((pair) => pair.includes('='))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  const server = await startStratadb({
    env,
    // The server's own V8 flags (src/server-node-flags.ts), as its executable passes them.
    command: [...SERVER_NODE_FLAGS, '--import', 'tsx', join(root, 'src', 'cli.ts')],
    nodeArgs,
    sync: values.sync === 'full' ? 'full' : 'relaxed',
    extraArgs: ['--log-level', 'warn', ...(values['tree-args'].split(';')[index] ?? '').split(/\s+/).filter((arg) => arg !== '')],
  });
  return connectTree(`${index}:${root}`, server);
}

async function connectTree(label: string, server: ServerHandle): Promise<Tree> {
  const target = { host: server.host, port: server.port, user: server.user, database: server.database };
  await loadUsertable(target, RECORDS, 4);
  const clients: pg.Client[] = [];
  for (let i = 0; i < CONNECTIONS; i++) clients.push(await connectClient(target));
  return { label, server, clients };
}

/** One client's closed loop until `endMs`; returns the operations completed, their latencies (µs) in `latenciesUs`. */
async function loop(client: pg.Client, mode: Mode, endMs: number, seed: number, latenciesUs: number[]): Promise<number> {
  let ops = 0;
  let state = seed >>> 0 || 1;
  for (let startMs = performance.now(); startMs < endMs; startMs = performance.now()) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const key = ycsbKey((state >>> 0) % RECORDS);
    if (mode === 'read') await client.query({ ...READ_STATEMENT, values: [key] });
    else await client.query({ ...(UPDATE_STATEMENTS[ops % UPDATE_STATEMENTS.length] as pg.QueryConfig), values: ['x'.repeat(100), key] });
    latenciesUs.push((performance.now() - startMs) * 1000);
    ops++;
  }
  return ops;
}

interface WindowResult {
  /** Commits per commit group over the window (NaN for PostgreSQL, or without commits). */
  readonly commitsPerGroup: number;
  readonly cpuUsPerOp: number;
  readonly opsPerS: number;
  readonly p50Us: number;
  readonly p90Us: number;
}

/** stratadb's engine commit and commit-group counters (SHOW METRICS); undefined for PostgreSQL. */
async function commitCounts(tree: Tree): Promise<{ commits: number; groups: number } | undefined> {
  if (tree.label === 'postgres') return undefined;
  const rows = (await (tree.clients[0] as pg.Client).query<{ metric: string; value: string }>('SHOW METRICS')).rows;
  const value = (name: string): number => Number(rows.find((row) => row.metric === name)?.value ?? Number.NaN);
  return { commits: value('stratadb_engine_commits_total'), groups: value('stratadb_engine_commit_groups_total') };
}

async function window(tree: Tree, mode: Mode): Promise<WindowResult> {
  const before = await commitCounts(tree);
  const pid = tree.server.pid ?? 0;
  const cpuStartMs = processTreeCpuMs(pid) ?? Number.NaN;
  const startMs = performance.now();
  const latenciesUs: number[] = [];
  const counts = await Promise.all(tree.clients.map((client, i) => loop(client, mode, startMs + WINDOW_S * 1000, 0x9e3779b9 + i, latenciesUs)));
  const elapsedMs = performance.now() - startMs;
  const cpuEndMs = processTreeCpuMs(pid) ?? Number.NaN;
  const after = await commitCounts(tree);
  const commitsPerGroup = before === undefined || after === undefined ? Number.NaN : (after.commits - before.commits) / (after.groups - before.groups);
  const ops = counts.reduce((a, b) => a + b, 0);
  latenciesUs.sort((a, b) => a - b);
  const at = (q: number): number => latenciesUs[Math.min(latenciesUs.length - 1, Math.floor(latenciesUs.length * q))] ?? Number.NaN;
  return { commitsPerGroup, cpuUsPerOp: ((cpuEndMs - cpuStartMs) * 1000) / ops, opsPerS: (ops * 1000) / elapsedMs, p50Us: at(0.5), p90Us: at(0.9) };
}

function describe(result: WindowResult): string {
  const latency = `p50 ${result.p50Us.toFixed(0).padStart(5)} µs  p90 ${result.p90Us.toFixed(0).padStart(5)} µs`;
  const groups = Number.isFinite(result.commitsPerGroup) ? `  ${result.commitsPerGroup.toFixed(2)} commits/group` : '';
  return `${result.cpuUsPerOp.toFixed(1).padStart(7)} µs/op ${Math.round(result.opsPerS).toString().padStart(7)} ops/s  ${latency}${groups}`;
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
    if (values.postgres) trees.push(await connectTree('postgres', await startPostgres()));
    for (const tree of trees) for (const mode of MODES) await window(tree, mode); // warm-up
    const results = new Map<string, WindowResult[]>();
    for (let w = 0; w < WINDOWS; w++) {
      for (const mode of MODES) {
        const order = w % 2 === 0 ? trees : [...trees].reverse();
        for (const tree of order) {
          const result = await window(tree, mode);
          const key = `${tree.label}\t${mode}`;
          results.set(key, [...(results.get(key) ?? []), result]);
          console.log(`window ${w} ${mode.padEnd(6)} ${tree.label.padEnd(20)} ${describe(result)}`);
        }
      }
    }
    console.log(`\nmedian over ${WINDOWS} windows of ${WINDOW_S} s, ${CONNECTIONS} connection(s):`);
    for (const [key, list] of results) {
      const [root, mode] = key.split('\t');
      const medians = {
        commitsPerGroup: median(list.map((r) => r.commitsPerGroup)),
        cpuUsPerOp: median(list.map((r) => r.cpuUsPerOp)),
        opsPerS: median(list.map((r) => r.opsPerS)),
        p50Us: median(list.map((r) => r.p50Us)),
        p90Us: median(list.map((r) => r.p90Us)),
      };
      console.log(`${(mode ?? '').padEnd(6)} ${(root ?? '').padEnd(20)} ${describe(medians)}`);
    }
  } finally {
    for (const tree of trees) {
      for (const client of tree.clients) await client.end().catch(() => undefined);
      await tree.server.stop();
    }
  }
}

await main();
