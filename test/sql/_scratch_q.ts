import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
const db = await Database.open(new MemoryVersionedKv());
await db.query('CREATE TABLE t (id numeric(10,2) PRIMARY KEY, c char(4), v text)');
for (const q of process.argv.slice(2)) {
  try { console.log(q, JSON.stringify((await db.query(q)).rows)); } catch (e) { console.log(q, 'ERR', (e as any).code, (e as Error).message); }
}
