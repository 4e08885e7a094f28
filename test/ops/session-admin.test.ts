/**
 * pg_stat_activity, pg_stat_database, pg_settings and the backend signal functions over the wire,
 * with node-postgres clients against an in-process server: one session watches another, cancels
 * its statement (pg_cancel_backend) and ends it (pg_terminate_backend, FATAL 57P01), with
 * PostgreSQL 15's return values, warnings and permission errors.
 *
 * A statement that must be running while another session looks is made to wait for a row a
 * third session holds (a deterministic wait that polls for cancellation); no sleeps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';

const POLLS_MAX = 2000;
const rootDir = mkdtempSync(join(tmpdir(), 'strata-ops-admin-'));
let server: RunningServer;
const clients: pg.Client[] = [];

beforeAll(async () => {
  server = await startServer({ dataDir: rootDir, host: '127.0.0.1', port: 0 });
  const admin = await connect();
  await admin.query('CREATE TABLE kv (k int PRIMARY KEY, v text)');
  await admin.query("INSERT INTO kv VALUES (1, 'one'), (2, 'two')");
  await admin.query('CREATE ROLE bob LOGIN');
  await admin.query('CREATE ROLE carol LOGIN');
});

afterAll(async () => {
  for (const client of clients) await client.end().catch(() => undefined);
  await server?.close();
  rmSync(rootDir, { recursive: true, force: true });
});

async function connect(user = 'postgres', applicationName = 'ops-test'): Promise<pg.Client> {
  const client = new pg.Client({ host: server.host, port: server.port, user, database: 'postgres', application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

async function pidOf(client: pg.Client): Promise<number> {
  return (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number;
}

interface ActivityRow {
  pid: number;
  datname: string;
  usename: string;
  application_name: string;
  client_addr: string;
  client_port: number;
  backend_start: Date;
  xact_start: Date | null;
  query_start: Date | null;
  state: string;
  wait_event_type: string | null;
  query: string;
  backend_type: string;
}

async function activityOf(observer: pg.Client, pid: number): Promise<ActivityRow | undefined> {
  return (await observer.query<ActivityRow>('SELECT * FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0];
}

/** Polls (one query per round trip) until `pid`'s row satisfies `done`. */
async function waitForActivity(observer: pg.Client, pid: number, done: (row: ActivityRow | undefined) => boolean): Promise<ActivityRow | undefined> {
  for (let i = 0; i < POLLS_MAX; i++) {
    const row = await activityOf(observer, pid);
    if (done(row)) return row;
  }
  throw new Error(`backend ${pid} never reached the expected state`);
}

/** Starts an UPDATE of row 1 on `waiter` that waits for `holder`'s open transaction. */
async function startBlockedUpdate(holder: pg.Client, waiter: pg.Client, observer: pg.Client): Promise<{ blocked: Promise<unknown> }> {
  await holder.query('BEGIN');
  await holder.query("UPDATE kv SET v = 'held' WHERE k = 1");
  await waiter.query('BEGIN');
  const blocked = waiter.query("UPDATE kv SET v = 'blocked' WHERE k = 1");
  blocked.catch(() => undefined);
  const pid = (waiter as unknown as { processID: number }).processID;
  await waitForActivity(observer, pid, (row) => row?.state === 'active' && row.query.startsWith('UPDATE'));
  // Wrapped: an async function returning the promise itself would wait for it.
  return { blocked };
}

describe('pg_stat_activity', () => {
  it('shows another session idle, in a transaction, and its last statement', async () => {
    const observer = await connect();
    const watched = await connect('postgres', 'watched-app');
    const pid = await pidOf(watched);
    await watched.query('SELECT 42');
    const idle = await activityOf(observer, pid);
    expect(idle).toMatchObject({
      pid, datname: 'postgres', usename: 'postgres', application_name: 'watched-app', client_addr: '127.0.0.1',
      state: 'idle', query: 'SELECT 42', backend_type: 'client backend', wait_event_type: 'Client', xact_start: null,
    });
    expect(idle?.client_port).toBeGreaterThan(0);
    expect(idle?.backend_start).toBeInstanceOf(Date);
    expect((idle?.query_start as Date).getTime()).toBeGreaterThanOrEqual((idle?.backend_start as Date).getTime());

    await watched.query('BEGIN');
    await watched.query("SET application_name = 'renamed'");
    const inTxn = await activityOf(observer, pid);
    expect(inTxn).toMatchObject({ state: 'idle in transaction', application_name: 'renamed', query: "SET application_name = 'renamed'" });
    expect(inTxn?.xact_start).toBeInstanceOf(Date);
    await expect(watched.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    expect((await activityOf(observer, pid))?.state).toBe('idle in transaction (aborted)');
    await watched.query('ROLLBACK');

    const self = (await observer.query<ActivityRow>('SELECT * FROM pg_stat_activity WHERE pid = pg_backend_pid()')).rows[0];
    expect(self).toMatchObject({ state: 'active', wait_event_type: null, query: 'SELECT * FROM pg_stat_activity WHERE pid = pg_backend_pid()' });
    const columns = await observer.query('SELECT * FROM pg_stat_activity LIMIT 0');
    expect(columns.fields.map((f) => f.name)).toEqual([
      'datid', 'datname', 'pid', 'leader_pid', 'usesysid', 'usename', 'application_name', 'client_addr', 'client_hostname',
      'client_port', 'backend_start', 'xact_start', 'query_start', 'state_change', 'wait_event_type', 'wait_event', 'state',
      'backend_xid', 'backend_xmin', 'query_id', 'query', 'backend_type',
    ]);
  });
});

describe('pg_cancel_backend and pg_terminate_backend', () => {
  it('cancel a statement another session runs (57014) and leave the session usable', async () => {
    const [holder, waiter, observer] = [await connect(), await connect(), await connect()];
    const { blocked } = await startBlockedUpdate(holder, waiter, observer);
    const pid = (waiter as unknown as { processID: number }).processID;
    const cancelled = await observer.query('SELECT pg_cancel_backend($1) AS ok', [pid]);
    expect(cancelled.rows[0].ok).toBe(true);
    await expect(blocked).rejects.toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    await waiter.query('ROLLBACK');
    await holder.query('ROLLBACK');
    expect((await waiter.query('SELECT 1 AS one')).rows[0].one).toBe(1);
  });

  it('terminate a running statement with FATAL 57P01 and an idle session too', async () => {
    const [holder, waiter, observer, idle] = [await connect(), await connect(), await connect(), await connect()];
    const before = await observer.query<{ sessions_killed: string }>("SELECT sessions_killed FROM pg_stat_database WHERE datname = 'postgres'");
    const { blocked } = await startBlockedUpdate(holder, waiter, observer);
    const waiterPid = (waiter as unknown as { processID: number }).processID;
    expect((await observer.query('SELECT pg_terminate_backend($1) AS ok', [waiterPid])).rows[0].ok).toBe(true);
    await expect(blocked).rejects.toMatchObject({ code: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' });
    await holder.query('ROLLBACK');

    const idlePid = await pidOf(idle);
    const ended = new Promise<unknown>((resolve) => idle.once('error', resolve));
    expect((await observer.query('SELECT pg_terminate_backend($1, 0) AS ok', [idlePid])).rows[0].ok).toBe(true);
    expect(await ended).toMatchObject({ code: '57P01', message: 'terminating connection due to administrator command' });
    await waitForActivity(observer, idlePid, (row) => row === undefined);
    await waitForActivity(observer, waiterPid, (row) => row === undefined);
    const after = await observer.query<{ sessions_killed: string }>("SELECT sessions_killed FROM pg_stat_database WHERE datname = 'postgres'");
    expect(Number(after.rows[0]?.sessions_killed) - Number(before.rows[0]?.sessions_killed)).toBe(2);
  });

  it('terminate the calling session itself with FATAL 57P01', async () => {
    const self = await connect();
    await expect(self.query('SELECT pg_terminate_backend(pg_backend_pid())')).rejects.toMatchObject({ code: '57P01', severity: 'FATAL' });
  });

  it('return false with PostgreSQL\'s warning for a pid that is no backend, NULL for NULL', async () => {
    const client = await connect();
    const notices: Array<{ severity?: string | undefined; message?: string | undefined }> = [];
    client.on('notice', (n) => notices.push(n));
    const result = await client.query('SELECT pg_cancel_backend(1) AS c, pg_terminate_backend(2) AS t, pg_cancel_backend(NULL) AS n');
    expect(result.rows[0]).toEqual({ c: false, t: false, n: null });
    expect(notices.map((n) => [n.severity, n.message])).toEqual([
      ['WARNING', 'PID 1 is not a PostgreSQL backend process'],
      ['WARNING', 'PID 2 is not a PostgreSQL backend process'],
    ]);
    await expect(client.query('SELECT pg_terminate_backend(pg_backend_pid(), -1)')).rejects.toMatchObject({ code: '22003', message: '"timeout" must not be negative' });
  });

  it('refuse what PostgreSQL 15 refuses a role without superuser (42501)', async () => {
    const superuser = await connect();
    const bob = await connect('bob');
    const carol = await connect('carol');
    const [superPid, carolPid, bobPid] = [await pidOf(superuser), await pidOf(carol), await pidOf(bob)];
    await expect(bob.query('SELECT pg_cancel_backend($1)', [superPid])).rejects.toMatchObject({ code: '42501', message: 'must be a superuser to cancel superuser query' });
    await expect(bob.query('SELECT pg_terminate_backend($1)', [superPid])).rejects.toMatchObject({ code: '42501', message: 'must be a superuser to terminate superuser process' });
    await expect(bob.query('SELECT pg_cancel_backend($1)', [carolPid])).rejects.toMatchObject({
      code: '42501', message: 'must be a member of the role whose query is being canceled or member of pg_signal_backend',
    });
    // Cancelling one's own backend cancels the statement that asks, as in PostgreSQL.
    await expect(bob.query('SELECT pg_cancel_backend($1) AS ok', [bobPid])).rejects.toMatchObject({ code: '57014' });
    const seen = (await bob.query<ActivityRow>('SELECT * FROM pg_stat_activity WHERE pid IN ($1, $2) ORDER BY pid', [superPid, bobPid])).rows;
    const masked = seen.find((r) => r.pid === superPid);
    expect(masked).toMatchObject({ usename: 'postgres', application_name: 'ops-test', query: '<insufficient privilege>', state: null, client_addr: null, backend_type: null });
    expect(seen.find((r) => r.pid === bobPid)).toMatchObject({ usename: 'bob', state: 'active', backend_type: 'client backend' });
    await expect(bob.query('CHECKPOINT')).rejects.toMatchObject({ code: '42501', message: 'must be superuser or have privileges of pg_checkpoint to do CHECKPOINT' });
  });
});

describe('pg_stat_database and pg_settings', () => {
  it('count transactions, rows and backends per database', async () => {
    const client = await connect();
    const read = async (): Promise<Record<string, string | number>> =>
      (await client.query("SELECT * FROM pg_stat_database WHERE datname = 'postgres'")).rows[0] as Record<string, string | number>;
    const before = await read();
    await client.query("INSERT INTO kv VALUES (10, 'a'), (11, 'b'), (12, 'c')");
    await client.query("UPDATE kv SET v = 'z' WHERE k >= 10");
    await client.query('DELETE FROM kv WHERE k = 12');
    await client.query('SELECT * FROM kv WHERE k >= 10');
    await client.query('BEGIN');
    await client.query('ROLLBACK');
    const leaver = await connect();
    const ended = new Promise((resolve) => leaver.once('end', resolve));
    (leaver as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await ended;
    const leaverPid = (leaver as unknown as { processID: number }).processID;
    await waitForActivity(client, leaverPid, (row) => row === undefined);
    const after = await read();
    const delta = (column: string): number => Number(after[column]) - Number(before[column]);
    expect(delta('sessions_abandoned')).toBe(1);
    expect(delta('sessions')).toBe(1);
    expect(delta('tup_inserted')).toBe(3);
    expect(delta('tup_updated')).toBe(3);
    expect(delta('tup_deleted')).toBe(1);
    expect(delta('tup_returned')).toBeGreaterThanOrEqual(2 + 1);
    expect(delta('xact_commit')).toBeGreaterThanOrEqual(5);
    expect(delta('xact_rollback')).toBe(1);
    expect(Number(after['numbackends'])).toBe((await client.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = 'postgres'")).rows[0].n * 1);
    const shared = (await client.query('SELECT datid, datname FROM pg_stat_database ORDER BY datid LIMIT 1')).rows[0];
    expect(shared).toEqual({ datid: 0, datname: null });
  });

  it('shows the session\'s settings in base units with their source', async () => {
    const client = await connect();
    await client.query("SET statement_timeout = '5s'");
    const rows = (await client.query("SELECT name, setting, unit, source, boot_val, reset_val, vartype, context FROM pg_settings WHERE name IN ('statement_timeout', 'work_mem', 'application_name', 'TimeZone') ORDER BY name")).rows;
    expect(rows).toEqual([
      { name: 'TimeZone', setting: 'Etc/UTC', unit: null, source: 'default', boot_val: 'Etc/UTC', reset_val: 'Etc/UTC', vartype: 'string', context: 'user' },
      { name: 'application_name', setting: 'ops-test', unit: null, source: 'client', boot_val: '', reset_val: 'ops-test', vartype: 'string', context: 'user' },
      { name: 'statement_timeout', setting: '5000', unit: 'ms', source: 'session', boot_val: '0', reset_val: '0', vartype: 'integer', context: 'user' },
      { name: 'work_mem', setting: '4096', unit: 'kB', source: 'default', boot_val: '4096', reset_val: '4096', vartype: 'integer', context: 'user' },
    ]);
    const shown = (await client.query('SHOW statement_timeout')).rows[0];
    expect(shown).toEqual({ statement_timeout: '5s' });
  });
});
