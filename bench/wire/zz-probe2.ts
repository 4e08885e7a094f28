import { Database } from '../../src/sql/index.js';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { WireServer } from '../../src/wire/index.js';
import pg from 'pg';
const db = await Database.open(new MemoryVersionedKv());
const server = new WireServer(db, { port: 0 });
const { port } = await server.listen();
const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
await c.connect();
await c.query('CREATE TABLE big (id int PRIMARY KEY)');
const values = Array.from({ length: 3000 }, (_, i) => `(${i})`).join(',');
await c.query(`INSERT INTO big VALUES ${values}`);
let t = performance.now();
const p = c.query('SELECT count(*) FROM big a, big b, big c');
setTimeout(() => { console.log('cancelling'); (new pg.Client({ host: '127.0.0.1', port }) as any).cancel(c, (c as any).activeQuery); }, 500);
try { console.log((await p).rows); } catch (e) { console.log('ERR', (e as any).code, (e as Error).message); }
console.log('ms', performance.now() - t);
await c.end(); await server.close(); await db.close();
