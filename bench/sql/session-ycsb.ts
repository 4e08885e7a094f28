/**
 * The SQL layer's own cost of YCSB's statements, without sockets: a session over the storage
 * engine (real files in a temporary directory) runs the YCSB read (`SELECT * … WHERE ycsb_key =
 * $1`) and update (`UPDATE … SET fieldN = $1 WHERE ycsb_key = $2`) through the same
 * prepare/bind/execute calls the wire server makes, and prints µs per statement (elapsed, and CPU
 * of every thread: an update's commit includes its fsyncs on the thread pool). With
 * `--profile`, run it under `node --cpu-prof` to see where the SQL layer spends its time.
 *
 *   npx tsx bench/sql/session-ycsb.ts [records=20000] [statements=50000] [memory]
 *
 * `memory` runs the engine on the in-memory VFS: no file system at all, so the figures are the
 * CPU of the code alone (an fsync is free there).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, MemoryVfs } from '../../src/storage/index.js';
import { Database } from '../../src/sql/index.js';
import type { VersionedKv } from '../../src/mvcc/index.js';
import { ycsbKey } from '../ycsb/fnv-hash.js';

const RECORDS = Number(process.argv[2] ?? 20_000);
const STATEMENTS = Number(process.argv[3] ?? 50_000);
const IN_MEMORY = process.argv[4] === 'memory';
const FIELD = 'x'.repeat(100);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-session-bench-'));
  // Relaxed sync: the statement's CPU cost, not the disk's fsync latency (one statement at a time).
  const engine = await Engine.open(dir, { sync: 'relaxed', ...(IN_MEMORY ? { vfs: new MemoryVfs() } : {}) });
  const db = await Database.open(engine as unknown as VersionedKv);
  const fields = Array.from({ length: 10 }, (_v, i) => `field${i}`);
  await db.query(`CREATE TABLE usertable (ycsb_key VARCHAR(255) PRIMARY KEY, ${fields.map((f) => `${f} TEXT`).join(', ')})`);
  for (let i = 0; i < RECORDS; i += 500) {
    const rows: string[] = [];
    for (let j = i; j < Math.min(RECORDS, i + 500); j++) rows.push(`('${ycsbKey(j)}', ${fields.map(() => `'${FIELD}'`).join(', ')})`);
    await db.query(`INSERT INTO usertable VALUES ${rows.join(', ')}`);
  }
  // encodedText: as the wire server opens sessions (text columns leave as views of their stored bytes).
  const session = db.openSession({ user: 'postgres', database: 'postgres', applicationName: 'bench', backendPid: 1, settings: new Map(), encodedText: true });
  const read = session.prepare('SELECT * FROM usertable WHERE ycsb_key = $1', []);
  const update = session.prepare('UPDATE usertable SET field3 = $1 WHERE ycsb_key = $2', []);
  const keys = Array.from({ length: RECORDS }, (_v, i) => Buffer.from(ycsbKey(i)));
  const value = Buffer.from('y'.repeat(100));
  const run = async (name: string, fn: (i: number) => Promise<unknown>): Promise<void> => {
    for (let i = 0; i < 2000; i++) await fn(i);
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < STATEMENTS; i++) await fn(i);
    const ns = Number(process.hrtime.bigint() - start);
    const cpu = process.cpuUsage(cpuStart);
    const cpuUs = (cpu.user + cpu.system) / STATEMENTS;
    console.log(`${name.padEnd(8)} ${(ns / STATEMENTS / 1000).toFixed(1)} µs/statement elapsed, ${cpuUs.toFixed(1)} µs CPU (every thread)`);
  };
  const key = (i: number): Buffer => keys[(i * 7919) % RECORDS] as Buffer;
  await run('read', async (i) => {
    const portal = session.bind(read, [key(i)], [0], [0]);
    void portal.fields;
    await portal.execute(0);
    portal.close();
  });
  await run('update', async (i) => {
    const portal = session.bind(update, [value, key(i)], [0, 0], [0]);
    await portal.execute(0);
    portal.close();
  });
  await session.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
