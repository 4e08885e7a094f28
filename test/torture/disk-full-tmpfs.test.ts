/**
 * Torture (b) on a real full file system: a size-limited tmpfs (mounted by the test when it runs
 * as root and mount(8) works; otherwise the test says so and does not run). A ballast file takes
 * part of it; a server on the rest takes 20 KB rows until the disk is full. Checked: the failing
 * INSERT gets SQLSTATE 53100 (real ENOSPC from node:fs, after a short write: the engine cuts the
 * partial record back), reads keep working, the server stays up; when space returns (the ballast
 * is deleted) the same server takes writes again, without a restart; nothing acknowledged is lost
 * and no failed row appears, live and after a restart.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';

const SIZE_SMALL = '6m';
const BALLAST_BYTES = 2 * 1024 * 1024;
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
  it.runIf(mounted)('fails writes with 53100, keeps reads, resumes when space returns, loses nothing', async () => {
    const ballast = join(mountDir, 'ballast');
    writeFileSync(ballast, Buffer.alloc(BALLAST_BYTES, 1));
    const dataDir = join(mountDir, 'data');
    mkdirSync(dataDir);
    let { server, client } = await start(dataDir);
    await client.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const acked: number[] = [];
    let failure: { code?: string; message?: string } | undefined;
    let failedId = -1;
    for (let id = 0; id < ROWS_MAX && failure === undefined; id++) {
      try {
        await client.query('INSERT INTO t VALUES ($1, $2)', [id, String(id).padEnd(ROW_BYTES, 'x')]);
        acked.push(id);
      } catch (error) {
        failure = error as { code?: string; message?: string };
        failedId = id;
      }
    }
    expect(failure?.code, failure?.message).toBe('53100');
    expect(acked.length).toBeGreaterThan(10);
    expect(await ids(client)).toEqual(acked);
    await expect(client.query('INSERT INTO t VALUES ($1, $2)', [-1, 'y'.repeat(ROW_BYTES)])).rejects.toMatchObject({ code: '53100' });
    // Space returns: the same server takes writes again.
    rmSync(ballast);
    for (let id = ROWS_MAX; id < ROWS_MAX + 20; id++) {
      await client.query('INSERT INTO t VALUES ($1, $2)', [id, String(id).padEnd(ROW_BYTES, 'x')]);
      acked.push(id);
    }
    expect(await ids(client)).toEqual(acked);
    expect(acked).not.toContain(failedId);
    await client.end();
    await server.close().catch(() => undefined);
    ({ server, client } = await start(dataDir));
    expect(await ids(client)).toEqual(acked);
    await client.query('INSERT INTO t VALUES (-2, $1)', ['after restart']);
    expect((await ids(client))[0]).toBe(-2);
    console.log(`disk-full-tmpfs: ${acked.length - 20} rows of ${ROW_BYTES} B acknowledged before ENOSPC on a ${SIZE_SMALL} tmpfs; 20 more after the ballast went; all present after restart`);
    await client.end();
  });
});
