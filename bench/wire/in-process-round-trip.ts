/**
 * CPU per round trip of the server's own code, without the kernel or a second process: one
 * Connection of a source tree's wire server (over that tree's SQL layer, metering and storage
 * engine, composed as src/server.ts does) is fed YCSB's read (Bind/Execute/Sync on a named
 * prepared statement, in one chunk, as node-postgres sends it) through an in-memory socket; the
 * next request arrives on the next event-loop turn (setImmediate) after ReadyForQuery, as a
 * closed-loop client's would. The process's CPU time over the measured round trips, divided by
 * their number, is the server's user-space cost per round trip (plus a fixed share for the fake
 * socket and the setImmediate, the same for every tree).
 *
 * - Trees are compared A/B by running this script once per tree, alternating (see --trees).
 * - The table is YCSB's usertable (VARCHAR key, ten 100-character TEXT fields), `--records` rows.
 *
 * Run: `npx tsx bench/wire/in-process-round-trip.ts --trees /tmp/a,/work/main [--round-trips 40000]
 *   [--repeats 5] [--mode read|update] [--alloc]`
 * (one tree per child process; `--tree DIR` runs one measurement in this process).
 * - `--alloc` also prints the JS heap bytes allocated per round trip (../sql/allocated-bytes.ts;
 *   the children then run with a 64 MiB young generation).
 * - `--interleave` instead runs every tree in this one process, in turns of a few hundred round
 *   trips, and compares their main-thread CPU: on a busy machine the load hits all trees alike.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Duplex } from 'node:stream';
import { parseArgs } from 'node:util';
import type { Socket } from 'node:net';
import { serialize } from 'pg-protocol';
import { allocatedBytesPerOp } from '../sql/allocated-bytes.js';
import type { Engine as EngineClass } from '../../src/storage/index.js';
import type { Database as DatabaseClass } from '../../src/sql/index.js';
import type { MeteredDatabase as MeteredDatabaseClass } from '../../src/wire/metered-database.js';
import type { SessionRegistry as SessionRegistryClass } from '../../src/wire/session-registry.js';
import type { WireServer as WireServerClass } from '../../src/wire/server.js';
import type { Connection as ConnectionClass } from '../../src/wire/connection.js';

const { values } = parseArgs({
  options: {
    tree: { type: 'string' },
    trees: { type: 'string' },
    'round-trips': { type: 'string', default: '40000' },
    repeats: { type: 'string', default: '5' },
    records: { type: 'string', default: '1000' },
    mode: { type: 'string', default: 'read' },
    alloc: { type: 'boolean', default: false },
    interleave: { type: 'boolean', default: false },
  },
});
const ROUND_TRIPS = Number(values['round-trips']);
const RECORDS = Number(values.records);
const FIELD = 'f'.repeat(100);
/** Round trips per turn of a tree in --interleave. */
const INTERLEAVE_BATCH = 500;
const READY_FOR_QUERY = 0x5a;
const ERROR_RESPONSE = 0x45;

/** A socket in memory: what the server writes is scanned for ReadyForQuery; input is pushed. */
class FakeSocket extends Duplex {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 1;
  onReady: (() => void) | undefined;

  setNoDelay(): this {
    return this;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // Messages never straddle writes here (the server writes whole messages): scan each chunk.
    let at = 0;
    let ready = false;
    while (at + 5 <= chunk.length) {
      const type = chunk[at] as number;
      if (type === ERROR_RESPONSE) throw new Error(`server error: ${chunk.toString('utf8', at + 5, at + 1 + chunk.readInt32BE(at + 1))}`);
      if (type === READY_FOR_QUERY) ready = true;
      at += 1 + chunk.readInt32BE(at + 1);
    }
    callback();
    if (ready) this.onReady?.();
  }
}

/** The modules of a tree, typed as this tree's (the types only; the code is the tree's own). */
interface TreeModules {
  readonly Engine: typeof EngineClass;
  readonly Database: typeof DatabaseClass;
  readonly MeteredDatabase: typeof MeteredDatabaseClass;
  readonly SessionRegistry: typeof SessionRegistryClass;
  readonly WireServer: typeof WireServerClass;
  readonly Connection: typeof ConnectionClass;
}

async function treeModules(tree: string): Promise<TreeModules> {
  const root = resolve(tree, 'src');
  const load = (path: string): Promise<Partial<TreeModules>> => import(join(root, path)) as Promise<Partial<TreeModules>>;
  const modules = Object.assign(
    {},
    await load('storage/index.ts'),
    await load('sql/index.ts'),
    await load('wire/metered-database.ts'),
    await load('wire/session-registry.ts'),
    await load('wire/server.ts'),
    await load('wire/connection.ts'),
  );
  return modules as TreeModules;
}

/** Sends `bytes` and resolves at the ReadyForQuery that answers them. */
function exchange(socket: FakeSocket, bytes: Buffer): Promise<void> {
  return new Promise((resolvePromise) => {
    socket.onReady = resolvePromise;
    socket.push(bytes);
  });
}

function requests(mode: string): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const key = `user${i}`;
    const bind =
      mode === 'read'
        ? serialize.bind({ statement: 'ycsb_read', values: [key] })
        : serialize.bind({ statement: 'ycsb_update', values: [FIELD, key] });
    out.push(Buffer.concat([bind, serialize.execute({}), serialize.sync()]));
  }
  return out;
}

interface Measured {
  readonly cpuUs: number;
  /** Heap bytes allocated per round trip (NaN unless --alloc). */
  readonly bytes: number;
}

/** One tree's server with the usertable loaded and the statement prepared, driven round trip by round trip. */
interface TreeServer {
  /** Runs `count` round trips (each on its own event-loop turn). */
  run(count: number): Promise<void>;
  close(): Promise<void>;
}

async function startTree(tree: string, mode: string): Promise<TreeServer> {
  const { Engine, Database, MeteredDatabase, SessionRegistry, WireServer, Connection } = await treeModules(tree);
  const dir = mkdtempSync(join(tmpdir(), 'stratadb-wire-inproc-'));
  const engine = await Engine.open(dir, { sync: 'relaxed' });
  const database = await Database.open(engine);
  const sessions = new SessionRegistry();
  let statements = 0;
  const metered = new MeteredDatabase(database, () => statements++, sessions);
  const server = new WireServer(metered, { host: '127.0.0.1', port: 0 });
  sessions.attach(server);
  const socket = new FakeSocket();
  const served = new Connection(socket as unknown as Socket, server).serve();
  await exchange(socket, serialize.startup({ user: 'postgres', database: 'postgres' }));
  const fields = Array.from({ length: 10 }, (_, i) => `field${i} TEXT`).join(', ');
  await exchange(socket, serialize.query(`CREATE TABLE usertable (ycsb_key VARCHAR(255) PRIMARY KEY, ${fields})`));
  const rows = Array.from({ length: RECORDS }, (_, i) => `('user${i}'${`, '${FIELD}'`.repeat(10)})`);
  await exchange(socket, serialize.query(`INSERT INTO usertable VALUES ${rows.join(', ')}`));
  const prepare =
    mode === 'read'
      ? serialize.parse({ name: 'ycsb_read', text: 'SELECT * FROM usertable WHERE ycsb_key = $1' })
      : serialize.parse({ name: 'ycsb_update', text: 'UPDATE usertable SET field3 = $1 WHERE ycsb_key = $2' });
  await exchange(socket, Buffer.concat([prepare, serialize.sync()]));
  const messages = requests(mode);
  let next = 0;
  return {
    run: async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
        await exchange(socket, messages[next++ % messages.length] as Buffer);
      }
    },
    close: async (): Promise<void> => {
      socket.push(serialize.end());
      await served;
      await database.close();
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function measure(tree: string, mode: string): Promise<Measured> {
  const server = await startTree(tree, mode);
  try {
    await server.run(ROUND_TRIPS / 4); // warm-up: JIT, caches
    const before = process.cpuUsage();
    await server.run(ROUND_TRIPS);
    const used = process.cpuUsage(before);
    const bytes = values.alloc ? await allocatedBytesPerOp((count) => server.run(count), 200) : Number.NaN;
    return { cpuUs: (used.user + used.system) / ROUND_TRIPS, bytes };
  } finally {
    await server.close();
  }
}

/** CPU time of the main thread alone (ns, Linux schedstat): what the round trips themselves cost. */
function mainThreadCpuNs(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'latin1').split(' ')[0]);
}

/**
 * --interleave: every tree's server in this one process, driven in turns of INTERLEAVE_BATCH
 * round trips (A B B A A B …), so that load from other processes falls on all trees alike;
 * prints each tree's main-thread CPU per round trip over all its batches, and the median batch.
 */
async function interleave(trees: readonly string[], mode: string): Promise<void> {
  const servers: TreeServer[] = [];
  for (const tree of trees) servers.push(await startTree(tree, mode));
  const batches = Math.max(1, Math.round(ROUND_TRIPS / INTERLEAVE_BATCH));
  const perBatch = trees.map((): number[] => []);
  try {
    for (const server of servers) await server.run(ROUND_TRIPS / 4); // warm-up: JIT, caches
    for (let b = 0; b < batches; b++) {
      const order = b % 2 === 0 ? servers.map((_s, i) => i) : servers.map((_s, i) => servers.length - 1 - i);
      for (const i of order) {
        const startNs = mainThreadCpuNs();
        await (servers[i] as TreeServer).run(INTERLEAVE_BATCH);
        perBatch[i]?.push((mainThreadCpuNs() - startNs) / 1000 / INTERLEAVE_BATCH);
      }
    }
  } finally {
    for (const server of servers) await server.close();
  }
  console.log(`${mode}: ${batches} interleaved batches of ${INTERLEAVE_BATCH} round trips, main-thread CPU µs per round trip`);
  trees.forEach((tree, i) => {
    const list = perBatch[i] ?? [];
    const mean = list.reduce((a, x) => a + x, 0) / list.length;
    console.log(`${tree.padEnd(24)} mean ${mean.toFixed(2).padStart(6)}   median batch ${median(list).toFixed(2).padStart(6)}`);
  });
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

if (values.interleave) {
  await interleave((values.trees ?? '.').split(','), values.mode);
} else if (values.tree !== undefined) {
  const { cpuUs, bytes } = await measure(values.tree, values.mode);
  process.stdout.write(`${cpuUs.toFixed(2)} ${bytes.toFixed(0)}\n`);
} else {
  const trees = (values.trees ?? '.').split(',');
  const results = new Map<string, number[]>(trees.map((tree) => [tree, []]));
  const allocations = new Map<string, number[]>(trees.map((tree) => [tree, []]));
  const script = resolve(import.meta.dirname, 'in-process-round-trip.ts');
  const heapArgs = values.alloc ? ['--min-semi-space-size=64', '--max-semi-space-size=64'] : [];
  for (let r = 0; r < Number(values.repeats); r++) {
    const order = r % 2 === 0 ? trees : [...trees].reverse();
    for (const tree of order) {
      const args = [...heapArgs, '--import', 'tsx', script, '--tree', tree, '--mode', values.mode, '--round-trips', String(ROUND_TRIPS), '--records', String(RECORDS)];
      if (values.alloc) args.push('--alloc');
      const [us = Number.NaN, bytes = Number.NaN] = execFileSync(process.execPath, args, { encoding: 'utf8' }).trim().split(' ').map(Number);
      results.get(tree)?.push(us);
      allocations.get(tree)?.push(bytes);
      const heap = values.alloc ? `, ${bytes} heap bytes` : '';
      console.log(`repeat ${r} ${tree.padEnd(24)} ${us.toFixed(2).padStart(7)} µs CPU per round trip${heap}`);
    }
  }
  console.log(`\n${values.mode}: median of ${values.repeats} runs × ${ROUND_TRIPS} round trips`);
  for (const [tree, list] of results) {
    const heap = values.alloc ? `, ${median(allocations.get(tree) ?? []).toFixed(0)} heap bytes` : '';
    console.log(`${tree.padEnd(24)} ${median(list).toFixed(2).padStart(7)} µs${heap}   [${list.map((x) => x.toFixed(1)).join(' ')}]`);
  }
}
