/**
 * SQL statement benchmark through the embedded API (db.query): a single-row
 * `SELECT … WHERE pk = $1` and a single-row `INSERT … VALUES ($1, $2)`, each with the plan cache
 * on (parse, bind and plan once) and off (every statement parsed, bound and planned), over the
 * in-memory VersionedKv (the SQL layer's own cost) and over the storage engine on a memory VFS.
 * Prints statements/s and µs/statement. `npx tsx bench/sql/run.ts [statements]`.
 */
import { MemoryVersionedKv, type VersionedKv } from '../../src/mvcc/index.js';
import { Engine, MemoryVfs } from '../../src/storage/index.js';
import { Database } from '../../src/sql/index.js';

const STATEMENTS = Number(process.argv[2] ?? 20000);
const ROWS = 10000;

interface Result {
  readonly name: string;
  readonly perSecond: number;
  readonly usPerStatement: number;
}

async function store(kind: 'memory' | 'engine'): Promise<VersionedKv> {
  if (kind === 'memory') return new MemoryVersionedKv();
  return (await Engine.open('/bench', { vfs: new MemoryVfs(), flushInWorker: false })) as unknown as VersionedKv;
}

async function measure(name: string, n: number, fn: (i: number) => Promise<unknown>): Promise<Result> {
  for (let i = 0; i < Math.min(1000, n); i++) await fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  const ns = Number(process.hrtime.bigint() - start);
  return { name, perSecond: Math.round((n * 1e9) / ns), usPerStatement: Number((ns / n / 1000).toFixed(1)) };
}

async function run(kind: 'memory' | 'engine', cached: boolean): Promise<Result[]> {
  const db = await Database.open(await store(kind), { planCacheEntriesMax: cached ? 1024 : 0 });
  await db.query('CREATE TABLE kv (id int PRIMARY KEY, v text NOT NULL)');
  const values = Array.from({ length: ROWS }, (_v, i) => `(${i}, 'value ${i}')`);
  for (let i = 0; i < values.length; i += 1000) await db.query(`INSERT INTO kv VALUES ${values.slice(i, i + 1000).join(',')}`);
  const label = `${kind}, plan cache ${cached ? 'on ' : 'off'}`;
  const select = await measure(`point SELECT (${label})`, STATEMENTS, (i) => db.query('SELECT v FROM kv WHERE id = $1', [(i * 7919) % ROWS]));
  let nextId = ROWS;
  const insert = await measure(`INSERT       (${label})`, STATEMENTS, () => db.query('INSERT INTO kv VALUES ($1, $2)', [nextId++, 'x']));
  await db.close();
  return [select, insert];
}

const results: Result[] = [];
for (const kind of ['memory', 'engine'] as const) for (const cached of [true, false]) results.push(...(await run(kind, cached)));
console.log(`statements per measurement: ${STATEMENTS}`);
for (const r of results) console.log(`${r.name.padEnd(44)} ${String(r.perSecond).padStart(8)} stmt/s ${String(r.usPerStatement).padStart(8)} µs/stmt`);
