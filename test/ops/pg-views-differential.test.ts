/**
 * The observability views and admin statements against a live PostgreSQL 15: pg_settings'
 * metadata for every setting stratadb has, the column names and types of pg_stat_activity,
 * pg_stat_database and pg_settings (with stratadb's documented differences), and the errors of
 * the admin statements and functions (SQLSTATE and text).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
import type { ServerHandle } from '../support/server-handle.js';
import { startPostgres } from '../support/postgres.js';

/** Column types stratadb does not have: inet → text, xid → int8 (docs/operations.md). */
const TYPE_DIFFERENCES: Readonly<Record<string, number>> = { client_addr: 25, backend_xid: 20, backend_xmin: 20 };
/** Settings whose metadata differs on purpose: the version number's bounds. */
const METADATA_DIFFERENCES = new Set(['server_version_num']);

let db: Database;
let postgres: ServerHandle;
let p: pg.Client;

beforeAll(async () => {
  db = await Database.open(new MemoryVersionedKv());
  postgres = await startPostgres();
  p = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, database: postgres.database });
  await p.connect();
}, 60_000);

afterAll(async () => {
  await p?.end();
  await db?.close();
  await postgres?.stop();
});

async function errorOf(run: () => Promise<unknown>): Promise<{ code: string; message: string } | undefined> {
  return run().then(
    () => undefined,
    (e: unknown) => ({ code: (e as { code: string }).code, message: (e as Error).message }),
  );
}

describe('against PostgreSQL 15', () => {
  it('pg_settings describes every setting as PostgreSQL does', async () => {
    const columns = 'name, unit, category, short_desc, context, vartype, min_val, max_val, enumvals::text AS enumvals';
    const ours = (await db.query(`SELECT ${columns} FROM pg_settings`)).rows.filter((r) => !METADATA_DIFFERENCES.has(r['name'] as string));
    expect(ours.length).toBeGreaterThan(40);
    const names = ours.map((r) => r['name'] as string);
    const theirs = (await p.query(`SELECT ${columns} FROM pg_settings WHERE name = ANY($1)`, [names])).rows;
    const byName = (rows: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> =>
      [...rows].sort((a, b) => ((a['name'] as string) < (b['name'] as string) ? -1 : 1));
    expect(byName(ours)).toEqual(byName(theirs));
  });

  it('the views have PostgreSQL 15\'s columns and types', async () => {
    for (const view of ['pg_stat_activity', 'pg_stat_database', 'pg_settings']) {
      const ours = (await db.query(`SELECT * FROM ${view} LIMIT 0`)).fields.map((f) => [f.name, TYPE_DIFFERENCES[f.name] === undefined ? f.typeOid : 'differs']);
      const theirs = (await p.query(`SELECT * FROM ${view} LIMIT 0`)).fields.map((f) => [f.name, TYPE_DIFFERENCES[f.name] === undefined ? f.dataTypeID : 'differs']);
      expect(ours, view).toEqual(theirs);
    }
  });

  it('the admin statements and functions fail as PostgreSQL\'s do', async () => {
    for (const sql of ['SELECT pg_terminate_backend(pg_backend_pid(), -1)', 'VACUUM no_such_table', 'CALL no_such_procedure()']) {
      const expected = await errorOf(() => p.query(sql));
      expect(expected, sql).toBeDefined();
      expect(await errorOf(() => db.query(sql)), sql).toEqual(expected);
    }
    for (const client of [p, db] as const) await client.query('BEGIN');
    const expected = await errorOf(() => p.query('VACUUM'));
    expect(await errorOf(() => db.query('VACUUM'))).toEqual(expected);
    for (const client of [p, db] as const) await client.query('ROLLBACK');
    const results = ['pg_cancel_backend(2147483647)', 'pg_terminate_backend(2147483647)', 'pg_cancel_backend(NULL)'];
    const sql = `SELECT ${results.join(', ')}`;
    expect(Object.values((await db.query(sql)).rows[0] ?? {})).toEqual(Object.values((await p.query(sql)).rows[0] ?? {}));
  });
});
