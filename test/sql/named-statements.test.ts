/**
 * One namespace for prepared statements, as in PostgreSQL: a protocol Parse's named statement runs
 * with SQL EXECUTE and shows in pg_prepared_statements; SQL PREPARE's name blocks a Parse of the
 * same name (42P05) and binds over the protocol; DEALLOCATE ALL and DISCARD ALL (what connection
 * poolers send between clients) drop both kinds, so the next client can Parse the same names.
 * A named statement re-planned after DDL keeps its result columns or fails with 0A000.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from '../../src/server.js';
import { MemoryVfs } from '../../src/storage/index.js';

let server: RunningServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startServer({ dataDir: '/db', port: 0, engine: { vfs: new MemoryVfs(), flushInWorker: false } });
  client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  await client.query('CREATE TABLE kv (k int PRIMARY KEY, v text)');
  await client.query("INSERT INTO kv VALUES (1, 'one'), (2, 'two')");
});

afterAll(async () => {
  await client.end();
  await server.close();
});

async function preparedNames(): Promise<Array<{ name: string; from_sql: boolean }>> {
  const r = await client.query('SELECT name, from_sql FROM pg_prepared_statements ORDER BY name');
  return r.rows as Array<{ name: string; from_sql: boolean }>;
}

describe('named prepared statements: Parse and PREPARE share one namespace', () => {
  it('runs a Parse statement with EXECUTE and a PREPARE statement over Bind', async () => {
    // node-postgres Parses a named statement on first use.
    const viaProtocol = await client.query({ name: 'by_key', text: 'SELECT v FROM kv WHERE k = $1', values: [1] });
    expect(viaProtocol.rows).toEqual([{ v: 'one' }]);
    expect((await client.query('EXECUTE by_key(2)')).rows).toEqual([{ v: 'two' }]);

    await client.query('PREPARE by_value (text) AS SELECT k FROM kv WHERE v = $1');
    // Binding to it by name over the protocol (pg skips Parse for a name it thinks it prepared).
    const raw = client as unknown as { connection: { parsedStatements: Record<string, string> } };
    raw.connection.parsedStatements['by_value'] = 'SELECT k FROM kv WHERE v = $1';
    const viaBind = await client.query({ name: 'by_value', text: 'SELECT k FROM kv WHERE v = $1', values: ['two'] });
    expect(viaBind.rows).toEqual([{ k: 2 }]);

    expect(await preparedNames()).toEqual([
      { name: 'by_key', from_sql: false },
      { name: 'by_value', from_sql: true },
    ]);
  });

  it('refuses a Parse of a name PREPARE took, and a PREPARE of a name Parse took', async () => {
    await client.query('PREPARE taken AS SELECT 1');
    await expect(client.query({ name: 'taken', text: 'SELECT 2' })).rejects.toMatchObject({ code: '42P05', message: 'prepared statement "taken" already exists' });
    await client.query({ name: 'parsed', text: 'SELECT 3 AS three' });
    await expect(client.query('PREPARE parsed AS SELECT 4')).rejects.toMatchObject({ code: '42P05' });
    expect((await client.query('EXECUTE parsed')).rows).toEqual([{ three: 3 }]);
  });

  it('drops both kinds with DEALLOCATE ALL and DISCARD ALL, so the names can be Parsed again', async () => {
    await client.query('DEALLOCATE ALL');
    expect(await preparedNames()).toEqual([]);
    await expect(client.query('EXECUTE by_key(1)')).rejects.toMatchObject({ code: '26000' });
    // A pooler's next client Parses the same name anew (pg forgets what it prepared on a new client).
    const raw = client as unknown as { connection: { parsedStatements: Record<string, string> } };
    raw.connection.parsedStatements = {};
    expect((await client.query({ name: 'by_key', text: 'SELECT v FROM kv WHERE k = $1', values: [1] })).rows).toEqual([{ v: 'one' }]);
    await client.query('PREPARE sql_one AS SELECT 1');
    await client.query('DISCARD ALL');
    expect(await preparedNames()).toEqual([]);
    raw.connection.parsedStatements = {};
  });

  it('fails a named statement with 0A000 when DDL changed its result columns, as PostgreSQL does', async () => {
    const query = { name: 'all_kv', text: 'SELECT * FROM kv ORDER BY k', rowMode: 'array' as const };
    expect((await client.query(query)).rows).toEqual([[1, 'one'], [2, 'two']]);
    await client.query('ALTER TABLE kv ADD COLUMN extra int');
    await expect(client.query(query)).rejects.toMatchObject({ code: '0A000', message: 'cached plan must not change result type' });
    // A statement whose columns the DDL left alone is re-planned silently.
    const narrow = { name: 'keys', text: 'SELECT k FROM kv ORDER BY k', rowMode: 'array' as const };
    expect((await client.query(narrow)).rows).toEqual([[1], [2]]);
    await client.query('ALTER TABLE kv DROP COLUMN extra');
    expect((await client.query(narrow)).rows).toEqual([[1], [2]]);
  });
});
