/**
 * Torture (b) on a real full file system: a size-limited tmpfs (mounted by the test when it runs
 * as root and mount(8) works; otherwise the test says so and does not run). A server on it takes
 * 20 KB rows until the disk is full. Checked: the failing INSERT gets SQLSTATE 53100 (real ENOSPC
 * from node:fs, possibly after a partial write), reads keep working, the server stays up; when
 * space returns (remount with a larger size) writes still fail (the engine's failure is sticky);
 * after a restart every acknowledged row is there and writes work again.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';

const SIZE_SMALL = '6m';
const SIZE_LARGE = '64m';
const ROW_BYTES = 20_000;
const ROWS_MAX = 2_000;

const mountDir = mkdtempSync(join(tmpdir(), 'strata-torture-tmpfs-'));

function tryMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_SMALL}`, 'tmpfs', mountDir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const mounted = tryMount();
if (!mounted) console.log('disk-full-tmpfs: cannot mount a tmpfs here (needs root and mount); the ENOSPC-on-a-real-fs test does not run');
const servers: RunningServer[] = [];

afterAll(async () => {
  for (const server of servers) await server.close().catch(() => undefined);
  if (mounted) execFileSync('umount', [mountDir]);
  rmSync(mountDir, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<{ server: RunningServer; client: pg.Client }> {
  const server = await startServer({ dataDir, host: '127.0.0.1', port: 0 });
  servers.push(server);
  const client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
  client.on('error', () => undefined);
  await client.connect();
  return { server, client };
}

async function ids(client: pg.Client): Promise<number[]> {
  return (await client.query<{ id: number }>('SELECT id FROM t ORDER BY id')).rows.map((r) => r.id);
}

describe('disk full on a size-limited tmpfs', () => {
  it.runIf(mounted)('fails writes with 53100, keeps reads, loses nothing acknowledged', async () => {
    const dataDir = join(mountDir, 'data');
    mkdirSync(dataDir);
    let { server, client } = await start(dataDir);
    await client.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const acked: number[] = [];
    let failure: { code?: string; message?: string } | undefined;
    for (let id = 0; id < ROWS_MAX && failure === undefined; id++) {
      try {
        await client.query('INSERT INTO t VALUES ($1, $2)', [id, String(id).padEnd(ROW_BYTES, 'x')]);
        acked.push(id);
      } catch (error) {
        failure = error as { code?: string; message?: string };
      }
    }
    expect(failure?.code, failure?.message).toBe('53100');
    expect(acked.length).toBeGreaterThan(10);
    expect(await ids(client)).toEqual(acked);
    execFileSync('mount', ['-o', `remount,size=${SIZE_LARGE}`, mountDir]);
    await expect(client.query('INSERT INTO t VALUES (-1, $1)', ['after remount'])).rejects.toMatchObject({ code: '53100' });
    expect(await ids(client)).toEqual(acked);
    await client.end();
    await server.close().catch(() => undefined);
    ({ server, client } = await start(dataDir));
    expect(await ids(client)).toEqual(acked);
    await client.query('INSERT INTO t VALUES (-2, $1)', ['after restart']);
    expect((await ids(client))[0]).toBe(-2);
    console.log(`disk-full-tmpfs: ${acked.length} rows of ${ROW_BYTES} B acknowledged before ENOSPC on a ${SIZE_SMALL} tmpfs; all present after restart`);
    await client.end();
  });
});
