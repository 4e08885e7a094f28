/**
 * SQL cursors against PostgreSQL 15:
 * - testdata/cursors.sql runs through psql on both servers and everything psql prints must be
 *   equal: DECLARE / FETCH (every direction and count) / MOVE / CLOSE results and tags, NO SCROLL
 *   and default (plan-dependent) scrollability with 55000 and its HINT, 25P01 outside a block,
 *   34000 / 42P03, WITH HOLD across COMMIT and not across ROLLBACK, CLOSE ALL, ROLLBACK TO a
 *   savepoint closing the cursors declared after it, pg_cursors;
 * - over node-postgres, a simple-query batch declares and fetches in its implicit transaction, a
 *   named (extended-protocol) FETCH describes the cursor's columns with their types, and DECLARE
 *   takes bound parameters.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { ServerHandle } from '../support/server-handle.js';
import { runScriptOnBoth, useScriptServers } from './script-diff.js';

interface Outcome {
  readonly command?: string;
  readonly rowCount?: number | null;
  readonly fields?: Array<[string, number]>;
  readonly rows?: unknown[];
  readonly error?: string;
}

/** Each statement's outcome on one connection (statements run in order; errors recorded, not thrown). */
type Statement = string | pg.QueryConfig | pg.QueryArrayConfig;

async function outcomes(server: ServerHandle, database: string, statements: readonly Statement[]): Promise<Outcome[]> {
  const client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database });
  await client.connect();
  try {
    const out: Outcome[] = [];
    for (const s of statements) {
      try {
        const r = await (typeof s === 'string' ? client.query(s) : client.query(s as pg.QueryConfig));
        const results = Array.isArray(r) ? (r as pg.QueryResult[]) : [r];
        for (const x of results) out.push({ command: x.command, rowCount: x.rowCount, fields: x.fields.map((f) => [f.name, f.dataTypeID]), rows: x.rows });
      } catch (error) {
        const e = error as { code?: string; message?: string };
        out.push({ error: `${e.code}: ${e.message}` });
      }
    }
    return out;
  } finally {
    await client.end();
  }
}

describe('cursors: stratadb answers as PostgreSQL 15', () => {
  const servers = useScriptServers();

  it('cursors.sql through psql', async () => {
    const [expected, actual] = await runScriptOnBoth(servers, 'cursors');
    expect(expected).toContain('ERROR:  DECLARE CURSOR can only be used in transaction blocks');
    expect(expected).toContain('HINT:  Declare it with SCROLL option to enable backward scan.');
    expect(expected).toContain('CLOSE CURSOR ALL');
    expect(actual).toBe(expected);
  });

  it('node-postgres: a batch and named FETCH / MOVE statements', async () => {
    const statements: Statement[] = [
      'CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(6,2))',
      "INSERT INTO items SELECT g, 'item ' || g, g * 1.5 FROM generate_series(1, 7) g",
      'DECLARE c CURSOR FOR SELECT 1 AS one; FETCH c; FETCH c',
      'BEGIN',
      'DECLARE c SCROLL CURSOR FOR SELECT id, name, price, price > 5 AS dear FROM items ORDER BY id',
      { name: 'fetch3', text: 'FETCH 3 FROM c' },
      { name: 'fetch3', text: 'FETCH 3 FROM c' },
      { name: 'back', text: 'FETCH BACKWARD 2 IN c', rowMode: 'array' },
      { name: 'move', text: 'MOVE LAST IN c' },
      { name: 'fetch3', text: 'FETCH 3 FROM c' },
      'CLOSE c',
      { text: 'FETCH 1 FROM c' },
      'ROLLBACK',
      'BEGIN',
      { text: 'DECLARE p CURSOR FOR SELECT id, name FROM items WHERE id > $1 AND name <> $2 ORDER BY id', values: [4, 'item 6'] },
      { text: 'FETCH ALL FROM p', rowMode: 'array' },
      'COMMIT',
    ];
    const [expected, actual] = await Promise.all([outcomes(servers.pg, 'postgres', statements), outcomes(servers.strata, 'postgres', statements)]);
    expect(expected[7]).toMatchObject({ command: 'FETCH', rowCount: 3, fields: [['id', 23], ['name', 25], ['price', 1700], ['dear', 16]] });
    expect(expected[expected.length - 2]).toMatchObject({ command: 'FETCH', rowCount: 2, rows: [[5, 'item 5'], [7, 'item 7']] });
    expect(actual).toEqual(expected);
  });
});
