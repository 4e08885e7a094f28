/**
 * The stratadb side of the wire benchmark, in its own process (as PostgreSQL is): a WireServer
 * over the test fake database on an ephemeral loopback port. Prints `port=<n>` once listening,
 * exits when stdin closes.
 */
import { WireServer } from '../../src/wire/index.js';
import { FakeDatabase } from '../../test/wire/fake-database.js';

const server = new WireServer(new FakeDatabase(), { host: '127.0.0.1', port: 0, maxConnections: 64 });
const { port } = await server.listen();
process.stdout.write(`port=${port}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
