import { MemoryVersionedKv } from '/work/main/src/mvcc/index.js';
import { Database } from '/work/main/src/sql/index.js';
const db = await Database.open(new MemoryVersionedKv());
await db.query('CREATE TABLE usertable (ycsb_key VARCHAR(255) PRIMARY KEY, field0 TEXT, field1 TEXT)');
await db.query("INSERT INTO usertable VALUES ('user1','a','b'),('user2','c','d')");
await db.query('CREATE TABLE ti (id int PRIMARY KEY, v text)');
await db.query("INSERT INTO ti VALUES (1,'a'),(2,'b')");
const qs: [string, unknown[]][] = [
 ["EXPLAIN SELECT * FROM usertable WHERE ycsb_key = 'user1'", []],
 ["EXPLAIN SELECT * FROM usertable WHERE ycsb_key = $1", ['user1']],
 ["SELECT * FROM usertable WHERE ycsb_key = $1", ['user1']],
 ["EXPLAIN UPDATE usertable SET field0 = $2 WHERE ycsb_key = $1", ['user1','x']],
 ["EXPLAIN DELETE FROM usertable WHERE ycsb_key = $1", ['user1']],
 ["EXPLAIN SELECT * FROM ti WHERE id = $1", [1]],
 ["EXPLAIN SELECT * FROM ti WHERE id = 1::int8", []],
 ["EXPLAIN SELECT * FROM ti WHERE id = $1::int8", [1]],
];
for (const [q, p] of qs) {
  try { console.log(q, JSON.stringify((await db.query(q, p)).rows)); } catch (e) { console.log(q, 'ERR', (e as any).code, (e as Error).message); }
}
