/**
 * The harness of the introspection differentials: PostgreSQL 15 and stratadb started side by side,
 * the same schema created on both through one node-postgres client each, and a query's result
 * compared between them (column names and type oids, then rows).
 *
 * - useClientPair registers the vitest hooks that start and stop both servers; call it at module
 *   level and read the clients inside tests.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { startPostgres } from '../support/postgres.js';
import { startStratadb } from '../support/stratadb.js';
import type { ServerHandle } from '../support/server-handle.js';

export interface ClientPair {
  /** Connected to PostgreSQL 15. */
  readonly reference: pg.Client;
  /** Connected to stratadb. */
  readonly subject: pg.Client;
}

async function connect(server: ServerHandle, schema: readonly string[]): Promise<pg.Client> {
  const client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  for (const statement of schema) await client.query(statement);
  return client;
}

/** Starts both servers before the file's tests (creating `schema` on each) and stops them after. */
export function useClientPair(schema: readonly string[]): () => ClientPair {
  let servers: ServerHandle[] = [];
  let pair: ClientPair | undefined;
  beforeAll(async () => {
    servers = await Promise.all([startPostgres(), startStratadb()]);
    const [reference, subject] = await Promise.all(servers.map((s) => connect(s, schema)));
    pair = { reference: reference as pg.Client, subject: subject as pg.Client };
  }, 60_000);
  afterAll(async () => {
    await Promise.all([pair?.reference.end(), pair?.subject.end()]);
    await Promise.all(servers.map((s) => s.stop()));
  });
  return () => {
    if (pair === undefined) throw new Error('the servers did not start');
    return pair;
  };
}

/**
 * Runs `sql` on both and expects the same columns (names and type oids) and rows; returns
 * PostgreSQL's row count so a caller can also require a non-empty answer.
 */
export async function expectSameResult(pair: ClientPair, sql: string, params: readonly unknown[] = []): Promise<number> {
  const query = { text: sql, values: [...params], rowMode: 'array' as const };
  const [expected, actual] = await Promise.all([pair.reference.query(query), pair.subject.query(query)]);
  expect(actual.fields.map((f) => [f.name, f.dataTypeID])).toEqual(expected.fields.map((f) => [f.name, f.dataTypeID]));
  expect(actual.rows).toEqual(expected.rows);
  return expected.rows.length;
}
