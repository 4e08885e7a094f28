/**
 * Row locks over the wire, as PostgreSQL behaves: SELECT … FOR UPDATE claims the rows it returns,
 * so a concurrent UPDATE or FOR UPDATE of the same row waits for the holder's transaction to end
 * (then, at READ COMMITTED, sees the new row version) instead of racing it to a 40001 at commit;
 * under REPEATABLE READ the waiter fails with 40001 once the holder committed a change, as
 * PostgreSQL's "could not serialize access due to concurrent update". "Waiting" is observed in
 * pg_stat_activity (the statement stays active), not by timing. Read-modify-write blocks (YCSB F)
 * update what PostgreSQL's would: at READ COMMITTED the newest committed version of the row, at
 * REPEATABLE READ a 40001 when another transaction changed it since the snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from '../../src/server.js';
import { MemoryVfs } from '../../src/storage/index.js';

const POLLS_MAX = 2000;
const RMW_CLIENTS = 4;
const RMW_BLOCKS_PER_CLIENT = 60;
let server: RunningServer;
const clients: pg.Client[] = [];

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  clients.push(client);
  return client;
}

const pidOf = (client: pg.Client): number => (client as unknown as { processID: number }).processID;

/** Polls pg_stat_activity until `waiter` has been running `prefix…` for a while: it is blocked. */
async function untilBlocked(observer: pg.Client, waiter: pg.Client, prefix: string): Promise<void> {
  for (let i = 0; i < POLLS_MAX; i++) {
    const row = (await observer.query<{ state: string; query: string }>('SELECT state, query FROM pg_stat_activity WHERE pid = $1', [pidOf(waiter)])).rows[0];
    if (row?.state === 'active' && row.query.startsWith(prefix)) return;
  }
  throw new Error(`${prefix} never blocked`);
}

beforeAll(async () => {
  server = await startServer({ dataDir: '/db', port: 0, engine: { vfs: new MemoryVfs(), flushInWorker: false } });
  const setup = await connect();
  await setup.query('CREATE TABLE jobs (id int PRIMARY KEY, state text NOT NULL, runs int NOT NULL DEFAULT 0)');
  await setup.query("INSERT INTO jobs (id, state) VALUES (1, 'new'), (2, 'new')");
});

afterAll(async () => {
  for (const client of clients) await client.end().catch(() => undefined);
  await server.close();
});

describe('SELECT … FOR UPDATE', () => {
  it('makes a concurrent UPDATE of the row wait for the holder, then apply on the new version', async () => {
    const [holder, waiter, observer] = [await connect(), await connect(), await connect()];
    await holder.query('BEGIN');
    expect((await holder.query('SELECT id, runs FROM jobs WHERE id = 1 FOR UPDATE')).rows).toEqual([{ id: 1, runs: 0 }]);
    const update = waiter.query('UPDATE jobs SET runs = runs + 10 WHERE id = 1');
    await untilBlocked(observer, waiter, 'UPDATE');
    await holder.query('UPDATE jobs SET runs = runs + 1 WHERE id = 1');
    await holder.query('COMMIT'); // succeeds: the waiter did not slip in before it
    await update;
    expect((await observer.query('SELECT runs FROM jobs WHERE id = 1')).rows).toEqual([{ runs: 11 }]);
  });

  it('queues two workers claiming the same job: the second sees the first one’s change, no 40001', async () => {
    const [first, second, observer] = [await connect(), await connect(), await connect()];
    await first.query('BEGIN');
    await second.query('BEGIN');
    expect((await first.query("SELECT id FROM jobs WHERE id = 2 AND state = 'new' FOR UPDATE")).rows).toEqual([{ id: 2 }]);
    const claim = second.query("SELECT id, state FROM jobs WHERE id = 2 FOR UPDATE");
    await untilBlocked(observer, second, 'SELECT id, state');
    await first.query("UPDATE jobs SET state = 'taken', runs = runs + 1 WHERE id = 2");
    await first.query('COMMIT');
    expect((await claim).rows).toEqual([{ id: 2, state: 'taken' }]);
    await second.query('UPDATE jobs SET runs = runs + 1 WHERE id = 2');
    await second.query('COMMIT');
    expect((await observer.query('SELECT state, runs FROM jobs WHERE id = 2')).rows).toEqual([{ state: 'taken', runs: 2 }]);
  });

  it('under REPEATABLE READ, fails the waiter with 40001 once the holder committed a change', async () => {
    const [holder, waiter, observer] = [await connect(), await connect(), await connect()];
    await waiter.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await waiter.query('SELECT 1 FROM jobs WHERE id = 1'); // takes the snapshot
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM jobs WHERE id = 1 FOR UPDATE');
    const locked = waiter.query('SELECT id FROM jobs WHERE id = 1 FOR UPDATE');
    locked.catch(() => undefined);
    await untilBlocked(observer, waiter, 'SELECT id FROM jobs');
    await holder.query('UPDATE jobs SET runs = runs + 1 WHERE id = 1');
    await holder.query('COMMIT');
    await expect(locked).rejects.toMatchObject({ code: '40001', message: 'could not serialize access due to concurrent update' });
    await waiter.query('ROLLBACK');
  });

  it('an autocommit SELECT … FOR UPDATE waits too, and a read-only one does not lock', async () => {
    const [holder, waiter, observer] = [await connect(), await connect(), await connect()];
    await holder.query('BEGIN');
    await holder.query('UPDATE jobs SET runs = 100 WHERE id = 1');
    const locked = waiter.query('SELECT runs FROM jobs WHERE id = 1 FOR UPDATE');
    await untilBlocked(observer, waiter, 'SELECT runs');
    await holder.query('COMMIT');
    expect((await locked).rows).toEqual([{ runs: 100 }]);
    await expect(observer.query('SELECT 1 FROM jobs WHERE id = 1 FOR UPDATE').then(() => observer.query('BEGIN READ ONLY'))).resolves.toBeDefined();
    await expect(observer.query('SELECT 1 FROM jobs WHERE id = 1 FOR UPDATE')).rejects.toMatchObject({ code: '25006' });
    await observer.query('ROLLBACK');
  });
});

describe('read-modify-write blocks (BEGIN; SELECT the row; UPDATE it; COMMIT)', () => {
  // The UPDATE reads the row afresh at its own statement snapshot: it never works on a stale row.
  beforeAll(async () => {
    const setup = await connect();
    await setup.query('CREATE TABLE rmw (id int PRIMARY KEY, n int NOT NULL, note text)');
    await setup.query("INSERT INTO rmw VALUES (1, 0, 'a'), (2, 0, 'b'), (3, 0, 'c')");
  });

  it('READ COMMITTED: an UPDATE after a SELECT works on a version committed in between', async () => {
    const [block, other] = [await connect(), await connect()];
    await block.query('BEGIN');
    expect((await block.query('SELECT n FROM rmw WHERE id = $1', [1])).rows).toEqual([{ n: 0 }]);
    await other.query('UPDATE rmw SET n = 5 WHERE id = 1');
    await block.query("UPDATE rmw SET n = n + 1, note = 'x' WHERE id = $1", [1]);
    expect((await block.query('SELECT n, note FROM rmw WHERE id = 1')).rows).toEqual([{ n: 6, note: 'x' }]);
    await block.query('COMMIT');
    expect((await other.query('SELECT n, note FROM rmw WHERE id = 1')).rows).toEqual([{ n: 6, note: 'x' }]);
  });

  it('READ COMMITTED: a commit of another row in between changes nothing of the row', async () => {
    const [block, other] = [await connect(), await connect()];
    await block.query('BEGIN');
    expect((await block.query('SELECT n, note FROM rmw WHERE id = $1', [2])).rows).toEqual([{ n: 0, note: 'b' }]);
    await other.query('UPDATE rmw SET n = 7 WHERE id = 3');
    await block.query("UPDATE rmw SET note = 'y' WHERE id = $1", [2]);
    await block.query('COMMIT');
    expect((await other.query('SELECT id, n, note FROM rmw WHERE id IN (2, 3) ORDER BY id')).rows).toEqual([
      { id: 2, n: 0, note: 'y' },
      { id: 3, n: 7, note: 'c' },
    ]);
  });

  it('REPEATABLE READ: an UPDATE of a row changed since the snapshot fails with 40001', async () => {
    const [block, other] = [await connect(), await connect()];
    await block.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect((await block.query('SELECT n FROM rmw WHERE id = $1', [3])).rows).toEqual([{ n: 7 }]);
    await other.query('UPDATE rmw SET n = 8 WHERE id = 3');
    expect((await block.query('SELECT n FROM rmw WHERE id = $1', [3])).rows).toEqual([{ n: 7 }]); // its snapshot
    await expect(block.query("UPDATE rmw SET note = 'z' WHERE id = $1", [3])).rejects.toMatchObject({ code: '40001' });
    await block.query('ROLLBACK');
  });

  it('concurrent READ COMMITTED blocks of SELECT then UPDATE … SET n = n + 1 lose no update', async () => {
    const [first] = [await connect()];
    await first.query('UPDATE rmw SET n = 0 WHERE id = 1');
    const workers = await Promise.all(Array.from({ length: RMW_CLIENTS }, () => connect()));
    await Promise.all(
      workers.map(async (client) => {
        for (let i = 0; i < RMW_BLOCKS_PER_CLIENT; i++) {
          await client.query('BEGIN');
          await client.query('SELECT n, note FROM rmw WHERE id = $1', [1]);
          await client.query('UPDATE rmw SET n = n + 1 WHERE id = $1', [1]);
          await client.query('COMMIT');
        }
      }),
    );
    expect((await first.query('SELECT n FROM rmw WHERE id = 1')).rows).toEqual([{ n: RMW_CLIENTS * RMW_BLOCKS_PER_CLIENT }]);
  });
});
