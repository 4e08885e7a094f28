/**
 * The stratadb side of the wire benchmark, in its own process (as PostgreSQL is): a WireServer
 * over either the test fake database (`fake`: wire cost only) or the real SQL layer on the
 * in-memory VersionedKv (`sql`: wire + parse/plan/execute). Prints `port=<n>` once listening,
 * exits when stdin closes.
 */
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
import type { SqlDatabase } from '../../src/sql/session-api.js';
import { WireServer } from '../../src/wire/index.js';
import { FakeDatabase } from '../../test/wire/fake-database.js';

const kind = process.argv[2] ?? 'fake';
const db: SqlDatabase = kind === 'sql' ? await Database.open(new MemoryVersionedKv()) : new FakeDatabase();
const server = new WireServer(db, { host: '127.0.0.1', port: 0, maxConnections: 64 });
const { port } = await server.listen();
process.stdout.write(`port=${port}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
