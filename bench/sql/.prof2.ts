import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
const db = await Database.open(new MemoryVersionedKv());
await db.query('CREATE TABLE kv (id int PRIMARY KEY, v text NOT NULL)');
const t = performance.now();
for (let i = 0; i < 20000; i++) await db.query('INSERT INTO kv VALUES ($1, $2)', [i, 'x']);
console.log('us/stmt', ((performance.now() - t) * 1000) / 20000);
