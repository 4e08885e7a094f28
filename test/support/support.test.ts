/**
 * The server harnesses: throwaway PostgreSQL clusters (in parallel, with settings, cleaned up) and
 * the stratadb child-process lifecycle (exercised with a stand-in server until the CLI exists).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { startPostgres } from './postgres.js';
import { startStratadb } from './stratadb.js';

const FAKE_SERVER = [join(import.meta.dirname, 'fake-server.mjs')];

async function show(server: { host: string; port: number; user: string; database: string }, setting: string): Promise<string> {
  const client = new pg.Client(server);
  await client.connect();
  try {
    return String(((await client.query(`SHOW ${setting}`)).rows[0] as Record<string, unknown>)[setting]);
  } finally {
    await client.end();
  }
}

describe('freePort', () => {
  it('returns a port below the ephemeral range', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(port).toBeLessThan(32_768);
  });
});

describe('startPostgres', () => {
  it('starts independent clusters in parallel with their settings, and removes them on stop', async () => {
    const [plain, relaxed] = await Promise.all([startPostgres(), startPostgres({ synchronousCommit: 'off', settings: { work_mem: '8MB' } })]);
    try {
      expect(plain.port).not.toBe(relaxed.port);
      expect(plain.port).toBeLessThan(32_768);
      expect(plain.dataDir).not.toBe(relaxed.dataDir);
      expect(await show(plain, 'synchronous_commit')).toBe('on');
      expect(await show(relaxed, 'synchronous_commit')).toBe('off');
      expect(await show(relaxed, 'work_mem')).toBe('8MB');
      expect(await show(plain, 'server_version')).toMatch(/^15\./);
    } finally {
      await Promise.all([plain.stop(), relaxed.stop()]);
    }
    expect(existsSync(plain.dataDir)).toBe(false);
    expect(existsSync(relaxed.dataDir)).toBe(false);
    await plain.stop(); // idempotent
  });
});

describe('startStratadb (with a stand-in server)', () => {
  it('passes --data/--port/--host/--sync, waits for connections, and stops with SIGTERM', async () => {
    const server = await startStratadb({ command: FAKE_SERVER, sync: 'relaxed', extraArgs: ['--flag'] });
    const marker = readFileSync(join(server.dataDir, 'marker'), 'utf8');
    expect(marker).toBe(`--data ${server.dataDir} --port ${server.port} --host 127.0.0.1 --sync relaxed --flag`);
    await server.stop();
    expect(existsSync(server.dataDir)).toBe(false);
  });

  it('falls back to SIGKILL when the server ignores SIGTERM', async () => {
    const server = await startStratadb({ command: FAKE_SERVER, env: { FAKE_IGNORE_SIGTERM: '1' }, stopTimeoutMs: 300 });
    await server.stop();
    expect(existsSync(server.dataDir)).toBe(false);
  });

  it('reports a server that exits during start, with its output', async () => {
    await expect(startStratadb({ command: FAKE_SERVER, env: { FAKE_EXIT_AT_START: '1' } })).rejects.toThrow(/exited during start[\s\S]*refusing to start/);
  });
});
