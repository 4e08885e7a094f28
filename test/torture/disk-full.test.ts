/**
 * Torture (b): disk full through the fault-injecting VFS. An in-process server runs on a
 * FaultVfs over the real file system; ENOSPC is injected on writes (then on fsyncs, then on a
 * memtable flush). Checked: the failing write gets SQLSTATE 53100, reads keep working on the same
 * and on new connections, the server does not crash, and after a restart on the same directory
 * every acknowledged row is there and writes work again.
 *
 * Found (today's engine): a write failure is sticky (EngineFailedError), so writes keep failing
 * with 53100 after space returns until the server is restarted; the test asserts exactly that.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { FaultVfs, NodeVfs, type EngineOptions, type FaultRule } from '../../src/storage/index.js';

const rootDir = mkdtempSync(join(tmpdir(), 'strata-torture-enospc-'));
const opened: RunningServer[] = [];

afterAll(async () => {
  for (const server of opened) await server.close().catch(() => undefined);
  rmSync(rootDir, { recursive: true, force: true });
});

async function start(dataDir: string, engine: EngineOptions): Promise<RunningServer> {
  const server = await startServer({ dataDir, host: '127.0.0.1', port: 0, engine });
  opened.push(server);
  return server;
}

async function connect(server: RunningServer): Promise<pg.Client> {
  const client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function sqlstateOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

/** Inserts rows [from, to) one transaction each; returns the ids acknowledged. */
async function insertRange(client: pg.Client, from: number, to: number): Promise<number[]> {
  const acked: number[] = [];
  for (let id = from; id < to; id++) {
    await client.query('INSERT INTO t VALUES ($1, $2)', [id, `v${id}`.padEnd(id % 3 === 0 ? 3000 : 10, '.')]);
    acked.push(id);
  }
  return acked;
}

async function ids(client: pg.Client): Promise<number[]> {
  return (await client.query<{ id: number }>('SELECT id FROM t ORDER BY id')).rows.map((r) => r.id);
}

/**
 * One round: acknowledged rows, then `rule` fires; the failing write gets 53100, reads work,
 * later writes stay refused (sticky); a restart brings back every acknowledged row and writes.
 */
async function diskFullRound(name: string, rule: FaultRule, engine: EngineOptions): Promise<void> {
  const dataDir = join(rootDir, name);
  const fault = new FaultVfs(new NodeVfs());
  let server = await start(dataDir, { ...engine, vfs: fault });
  let client = await connect(server);
  await client.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
  const acked = await insertRange(client, 0, 40);
  fault.inject(rule);
  let failedAt = -1;
  for (let id = 1000; id < 1200 && failedAt < 0; id++) {
    const code = await sqlstateOf(client.query('INSERT INTO t VALUES ($1, $2)', [id, 'x'.repeat(2000)]));
    if (code === undefined) acked.push(id);
    else {
      expect(code).toBe('53100');
      failedAt = id;
    }
  }
  expect(failedAt).toBeGreaterThanOrEqual(0);
  expect(fault.injected).toBeGreaterThan(0);
  // Reads keep working, on this connection and a new one.
  expect(await ids(client)).toEqual(expect.arrayContaining(acked));
  const reader = await connect(server);
  expect(await ids(reader)).toEqual(expect.arrayContaining(acked));
  // Space returns: the engine's failure is sticky, so writes stay refused until a restart.
  fault.clearFaults();
  expect(await sqlstateOf(client.query('INSERT INTO t VALUES (5000, $1)', ['after']))).toBe('53100');
  expect(await sqlstateOf(reader.query('UPDATE t SET v = $1 WHERE id = 1', ['u']))).toBe('53100');
  await client.end();
  await reader.end();
  await server.close().catch(() => undefined);
  server = await start(dataDir, { ...engine, vfs: new NodeVfs() });
  client = await connect(server);
  const after = await ids(client);
  expect(after).toEqual(expect.arrayContaining(acked));
  expect(after).not.toContain(5000);
  await insertRange(client, 6000, 6010);
  expect((await ids(client)).length).toBe(after.length + 10);
  await client.end();
  await server.close();
}

describe('disk full (ENOSPC through the fault VFS)', () => {
  it('on a commit-log or value-log write: 53100, reads work, nothing acknowledged lost', async () => {
    await diskFullRound('write', { kind: 'write', probability: 1, errno: 'ENOSPC' }, { flushInWorker: false });
  });

  it('on an fsync: 53100, reads work, nothing acknowledged lost', async () => {
    await diskFullRound('sync', { kind: 'sync', probability: 1, errno: 'ENOSPC' }, { flushInWorker: false });
  });

  it('on a memtable flush (SSTable write): later writes get 53100, nothing acknowledged lost', async () => {
    const rule: FaultRule = { kind: 'write', probability: 1, errno: 'ENOSPC', pathIncludes: '.sst' };
    await diskFullRound('flush', rule, { flushInWorker: false, memtableBytesMax: 64 * 1024, valueThreshold: Infinity });
  });
});
