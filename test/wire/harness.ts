/**
 * Test harness: a WireServer over the fake database on an ephemeral loopback port.
 */
import pg from 'pg';
import { WireServer, type WireOptions } from '../../src/wire/index.js';
import { FakeDatabase } from './fake-database.js';

export interface Running {
  readonly server: WireServer;
  readonly db: FakeDatabase;
  readonly port: number;
  client(overrides?: pg.ClientConfig): Promise<pg.Client>;
  stop(): Promise<void>;
}

export async function startServer(options: WireOptions = {}, db = new FakeDatabase()): Promise<Running> {
  const server = new WireServer(db, { host: '127.0.0.1', port: 0, ...options });
  const { port } = await server.listen();
  const clients: pg.Client[] = [];
  return {
    server,
    db,
    port,
    async client(overrides: pg.ClientConfig = {}): Promise<pg.Client> {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', ...overrides });
      client.on('error', () => {});
      await client.connect();
      clients.push(client);
      return client;
    },
    async stop(): Promise<void> {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      await server.close();
    },
  };
}
