/**
 * Torture (b): disk full through the fault-injecting VFS. An in-process server runs on a
 * FaultVfs over the real file system; ENOSPC is injected on writes (short writes: half of the
 * bytes land, as on a real full disk), on a memtable flush, and on fsyncs. Checked: the failing
 * write gets SQLSTATE 53100, reads keep working on the same and on new connections, the server
 * does not crash; when space returns (the FaultVfs stops injecting) writes succeed on the same
 * server without a restart; nothing acknowledged is lost and nothing that failed appears, live
 * and after a restart on the same directory.
 *
 * A failed fsync is the exception: it stays sticky (after a failed fsync the page cache can no
 * longer be trusted, engine.ts), so there writes keep failing with 53100 until the restart.
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
 * One round: acknowledged rows, then `rule` fires; the failing write gets 53100, reads work. Space
 * returns: writes resume on the same server (or, `sticky`, stay refused until a restart); a
 * restart brings back every acknowledged row, none that failed, and writes.
 */
async function diskFullRound(name: string, rule: FaultRule, engine: EngineOptions, sticky = false): Promise<void> {
  const dataDir = join(rootDir, name);
  const fault = new FaultVfs(new NodeVfs());
  let server = await start(dataDir, { ...engine, vfs: fault });
  let client = await connect(server);
  await client.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
  const acked = await insertRange(client, 0, 40);
  fault.inject(rule);
  const failed: number[] = [];
  for (let id = 1000; id < 1200 && failed.length < 3; id++) {
    const code = await sqlstateOf(client.query('INSERT INTO t VALUES ($1, $2)', [id, 'x'.repeat(2000)]));
    if (code === undefined) acked.push(id);
    else {
      expect(code).toBe('53100');
      failed.push(id);
    }
  }
  expect(failed.length).toBeGreaterThan(0);
  expect(fault.injected).toBeGreaterThan(0);
  // Reads keep working, on this connection and a new one.
  expect(await ids(client)).toEqual(expect.arrayContaining(acked));
  const reader = await connect(server);
  expect(await ids(reader)).toEqual(expect.arrayContaining(acked));
  expect(await ids(reader)).not.toEqual(expect.arrayContaining(failed.slice(0, 1)));
  fault.clearFaults();
  if (sticky) {
    // A failed fsync is sticky: writes stay refused until a restart.
    expect(await sqlstateOf(client.query('INSERT INTO t VALUES (5000, $1)', ['after']))).toBe('53100');
    expect(await sqlstateOf(reader.query('UPDATE t SET v = $1 WHERE id = 1', ['u']))).toBe('53100');
  } else {
    // Space returns: the same server takes writes again, on both connections, big rows included.
    acked.push(...(await insertRange(client, 2000, 2030)));
    await reader.query('UPDATE t SET v = $1 WHERE id = 1', ['u']);
    for (const id of failed) expect(await ids(reader), `failed row ${id}`).not.toContain(id);
    expect(await ids(reader)).toEqual(expect.arrayContaining(acked));
  }
  await client.end();
  await reader.end();
  await server.close().catch(() => undefined);
  server = await start(dataDir, { ...engine, vfs: new NodeVfs() });
  client = await connect(server);
  const after = await ids(client);
  expect(after).toEqual(expect.arrayContaining(acked));
  expect(after).not.toContain(5000);
  // After a failed fsync a failed commit's record may still have reached the disk (indeterminate).
  if (!sticky) for (const id of failed) expect(after, `failed row ${id} after the restart`).not.toContain(id);
  await insertRange(client, 6000, 6010);
  expect((await ids(client)).length).toBe(after.length + 10);
  await client.end();
  await server.close();
}

describe('disk full (ENOSPC through the fault VFS)', () => {
  it('on commit-log and value-log writes: 53100, reads work, writes resume when space returns', async () => {
    await diskFullRound('write', { kind: 'write', probability: 1, errno: 'ENOSPC', shortWrite: true }, { flushInWorker: false });
  });

  it('on a memtable flush (SSTable write): later writes get 53100, resume when space returns', async () => {
    const rule: FaultRule = { kind: 'write', probability: 1, errno: 'ENOSPC', shortWrite: true, pathIncludes: '.sst' };
    await diskFullRound('flush', rule, { flushInWorker: false, memtableBytesMax: 64 * 1024, valueThreshold: Infinity });
  });

  it('on an fsync: 53100, reads work, sticky until a restart, nothing acknowledged lost', async () => {
    await diskFullRound('sync', { kind: 'sync', probability: 1, errno: 'ENOSPC' }, { flushInWorker: false }, true);
  });
});
