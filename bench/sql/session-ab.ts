/**
 * A/B of the SQL layer's YCSB statements between source trees, in ONE process: each tree's
 * Engine and Database are imported from its own files, each opens its own database, and the
 * measured windows alternate between the trees (A B B A A B …), so both see the same machine —
 * the same neighbours, the same CPU frequency, the same cache pressure. On a shared, noisy
 * machine this shows differences of a few percent that separate runs (session-ycsb.ts, once per
 * tree) drown in noise.
 *
 *   npx tsx bench/sql/session-ab.ts --trees /tmp/base,/work/main [records=100000]
 *       [statements=4000] [rounds=15] [ops=update,rmw,read] [engine=memory|disk] [sync=full|relaxed]
 *       [sessions=8]
 *
 * - The statements are session-ycsb.ts's: the read (`SELECT * … WHERE ycsb_key = $1`), the
 *   autocommit update (`UPDATE … SET field3 = $1 WHERE ycsb_key = $2`) and the read-modify-write
 *   (BEGIN; read; update; COMMIT — one operation).
 * - CPU is the main thread's (Linux schedstat), µs per operation; per tree and operation it
 *   prints the median over rounds, and the median over rounds of B's time / A's time (paired:
 *   the windows of one round ran back to back).
 * - A tree is a directory holding `src/` (a `git worktree` of another commit, with a
 *   node_modules symlink, or a copy of src/).
 * - Under `node --expose-gc --import tsx …`, a full GC runs before each window, so that one
 *   tree's garbage is not collected in the other's window (the trees share one heap).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadUsertable, mainThreadCpuNs, median, openYcsbSession, ycsbOperations, type YcsbOperation, type YcsbStatements } from './ycsb-sessions.js';

const args = process.argv.slice(2);
const treesAt = args.indexOf('--trees');
const TREES = (treesAt >= 0 ? (args[treesAt + 1] ?? '') : '').split(',').filter((t) => t !== '');
const named = new Map(args.filter((a) => a.includes('=') && !a.startsWith('--')).map((a) => a.split('=', 2) as [string, string]));
const RECORDS = Number(named.get('records') ?? 100_000);
const STATEMENTS = Number(named.get('statements') ?? 4000);
const ROUNDS = Number(named.get('rounds') ?? 15);
const OPS = (named.get('ops') ?? 'update,rmw,read').split(',');
const IN_MEMORY = (named.get('engine') ?? 'memory') === 'memory';
const SYNC = named.get('sync') === 'relaxed' ? 'relaxed' : 'full';
const SESSIONS = Number(named.get('sessions') ?? 8);

interface Opened {
  readonly name: string;
  readonly sessions: YcsbStatements[];
  close(): Promise<void>;
}

/** Opens `tree`'s engine and database (its own module instances) and loads the table. */
async function open(tree: string): Promise<Opened> {
  const root = pathToFileURL(resolve(tree)).href;
  const storage = (await import(`${root}/src/storage/index.ts`)) as typeof import('../../src/storage/index.js');
  const sql = (await import(`${root}/src/sql/index.ts`)) as typeof import('../../src/sql/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'strata-session-ab-'));
  const engine = await storage.Engine.open(dir, { sync: SYNC, ...(IN_MEMORY ? { vfs: new storage.MemoryVfs() } : {}) });
  const db = await sql.Database.open(engine as never);
  await loadUsertable(db, RECORDS);
  const sessions = Array.from({ length: SESSIONS }, (_v, s) => openYcsbSession(db, s + 1));
  return {
    name: tree,
    sessions,
    close: async () => {
      for (const s of sessions) await s.session.close();
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const operations: Record<string, YcsbOperation> = ycsbOperations(RECORDS);

let cursor = 0;
/** Main-thread CPU µs per operation over one window of `count` operations on every session. */
async function window(db: Opened, op: YcsbOperation, count: number): Promise<number> {
  // A full collection first (node --expose-gc): garbage of the other tree's window is not
  // collected in this one's.
  (globalThis as { gc?: () => void }).gc?.();
  const base = cursor;
  cursor += count * db.sessions.length;
  const start = mainThreadCpuNs();
  await Promise.all(db.sessions.map(async (s, k) => {
    for (let i = 0; i < count; i++) await op(s, base + k * count + i);
  }));
  return (mainThreadCpuNs() - start) / 1000 / (count * db.sessions.length);
}

async function main(): Promise<void> {
  if (TREES.length < 2) throw new Error('usage: session-ab.ts --trees A,B[,…] [records=…] [statements=…] [rounds=…] [ops=…]');
  const dbs: Opened[] = [];
  for (const tree of TREES) dbs.push(await open(tree));
  const perSession = Math.ceil(STATEMENTS / SESSIONS);
  for (const db of dbs) for (const op of OPS) await window(db, operations[op] as YcsbOperation, Math.ceil(perSession / 2)); // warm-up
  const us = dbs.map(() => new Map<string, number[]>(OPS.map((op) => [op, []])));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? dbs.map((_d, i) => i) : dbs.map((_d, i) => dbs.length - 1 - i);
    for (const op of OPS) {
      for (const t of order) {
        const fn = operations[op];
        if (fn === undefined) throw new Error(`unknown op ${op} (read, update, rmw)`);
        (us[t]?.get(op) as number[]).push(await window(dbs[t] as Opened, fn, perSession));
      }
    }
    console.log(`round ${round}: ${OPS.map((op) => `${op} ${us.map((m) => (m.get(op) as number[])[round]?.toFixed(1)).join('/')}`).join('  ')}`);
  }
  for (const op of OPS) {
    const a = us[0]?.get(op) as number[];
    for (let t = 0; t < dbs.length; t++) {
      const b = us[t]?.get(op) as number[];
      const ratio = median(b.map((v, r) => v / (a[r] as number)));
      console.log(`${op.padEnd(7)} ${(dbs[t] as Opened).name.padEnd(24)} median ${median(b).toFixed(2)} µs CPU main thread/op, paired ratio to ${(dbs[0] as Opened).name} ${ratio.toFixed(3)}`);
    }
  }
  for (const db of dbs) await db.close();
}

await main();
