/**
 * LISTEN / NOTIFY against PostgreSQL 15: the same scenario on both servers over node-postgres must
 * yield the same notifications in the same order — an idle listener gets a NOTIFY at once; a
 * transaction's NOTIFYs (duplicates folded, pg_notify included) arrive at its COMMIT and never
 * after a ROLLBACK; a listener inside a transaction gets them after its own COMMIT; a session hears
 * its own NOTIFY (before its ReadyForQuery); LISTEN / UNLISTEN act at commit; UNLISTEN * stops all;
 * the errors of an empty channel name and a too long payload; pg_notify() returns void ('').
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { MemoryVfs } from '../../src/storage/index.js';
import { startPostgres } from '../support/postgres.js';
import type { ServerHandle } from '../support/server-handle.js';

let strata: RunningServer;
let postgres: ServerHandle;

beforeAll(async () => {
  [strata, postgres] = await Promise.all([
    startServer({ dataDir: '/db', port: 0, engine: { vfs: new MemoryVfs(), flushInWorker: false } }),
    startPostgres({ settings: { fsync: 'off' } }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([strata?.close(), postgres?.stop()]);
});

/** Runs the scenario on the server at `port`; returns what happened, in order. */
async function scenario(port: number): Promise<string[]> {
  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await client.connect();
    return client;
  };
  const a = await connect();
  const b = await connect();
  const log: string[] = [];
  const pidOf = (pid: number): string => (pid === (b as unknown as { processID: number }).processID ? 'b' : 'a');
  a.on('notification', (m) => log.push(`a got ${m.channel}/${m.payload ?? ''} from ${pidOf(m.processId)}`));
  b.on('notification', (m) => log.push(`b got ${m.channel}/${m.payload ?? ''}`));
  // A round trip on `a` after b's statement: an idle connection's notification arrives before it.
  const settle = async (): Promise<void> => {
    await a.query('SELECT 1');
  };
  try {
    await a.query('LISTEN foo');
    await b.query("NOTIFY foo, 'one'");
    await settle();
    await b.query('BEGIN');
    await b.query("NOTIFY foo, 'two'");
    await b.query("NOTIFY foo, 'two'");
    await b.query("SELECT pg_notify('foo', 'three')");
    await settle();
    log.push('b commits');
    await b.query('COMMIT');
    await settle();
    await b.query('BEGIN');
    await b.query("NOTIFY foo, 'rolled back'");
    await b.query('ROLLBACK');
    await a.query('BEGIN');
    await b.query("NOTIFY foo, 'while a is in a transaction'");
    await a.query('SELECT 1');
    log.push('a commits');
    await a.query('COMMIT');
    await a.query("NOTIFY foo, 'self'");
    log.push('after self');
    await a.query('BEGIN');
    await a.query('UNLISTEN foo');
    await a.query('ROLLBACK');
    await b.query("NOTIFY foo, 'still listening'");
    await settle();
    await a.query('BEGIN');
    await a.query('LISTEN bar');
    await a.query('ROLLBACK');
    await b.query("NOTIFY bar, 'after a rolled back its LISTEN'");
    await settle();
    await a.query('BEGIN');
    await a.query('LISTEN bar');
    await a.query('COMMIT');
    await b.query("NOTIFY bar, 'after a committed its LISTEN'");
    await settle();
    await a.query('UNLISTEN *');
    await b.query("NOTIFY foo, 'after UNLISTEN *'");
    await settle();
    for (const sql of ["SELECT pg_notify('', 'x')", "SELECT pg_notify(NULL, 'x')", `NOTIFY foo, '${'x'.repeat(8000)}'`]) {
      await b.query(sql).then(
        () => log.push(`ok ${sql.slice(0, 20)}`),
        (e: { code?: string; message?: string }) => log.push(`${e.code}: ${e.message}`),
      );
    }
    const r = await b.query("SELECT pg_notify('foo', 'x') AS v");
    log.push(`pg_notify returns ${JSON.stringify(r.rows)} of type ${r.fields[0]?.dataTypeID}`);
    return log;
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
}

describe('LISTEN / NOTIFY: stratadb delivers as PostgreSQL 15 does', () => {
  it('runs the same scenario to the same notifications', async () => {
    const expected = await scenario(postgres.port);
    expect(expected).toContain('a got foo/one from b');
    expect(expected.indexOf('a got foo/two from b')).toBeGreaterThan(expected.indexOf('b commits'));
    expect(expected).not.toContain('a got foo/rolled back from b');
    expect(await scenario(strata.port)).toEqual(expected);
  });
});
