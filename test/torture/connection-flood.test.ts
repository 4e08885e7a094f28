/**
 * Torture (c): a connection flood past --max-connections. The server (in process, limit 4) is
 * hit by waves of concurrent connection attempts while 4 sessions are open and busy. Checked:
 * every attempt past the limit gets FATAL 53300 (too_many_connections) and nothing else; the
 * open sessions keep answering correctly during the flood, including one in a transaction; the
 * server does not crash; once a session leaves, a new one is admitted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';

const CONNECTIONS_MAX = 4;
const WAVES = 5;
const WAVE_CONNECTIONS = 40;

const rootDir = mkdtempSync(join(tmpdir(), 'strata-torture-flood-'));
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ dataDir: rootDir, host: '127.0.0.1', port: 0, maxConnections: CONNECTIONS_MAX });
});

afterAll(async () => {
  await server?.close();
  rmSync(rootDir, { recursive: true, force: true });
});

function client(): pg.Client {
  const c = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
  c.on('error', () => undefined);
  return c;
}

/** Tries to connect; returns the SQLSTATE of the refusal, or 'connected' (then disconnects). */
async function attempt(): Promise<string> {
  const c = client();
  try {
    await c.connect();
    await c.end();
    return 'connected';
  } catch (error) {
    return (error as { code?: string }).code ?? `no SQLSTATE: ${(error as Error).message}`;
  }
}

describe('connection flood past max connections', () => {
  it('refuses the excess with 53300 while existing sessions keep working', async () => {
    const sessions = Array.from({ length: CONNECTIONS_MAX }, client);
    for (const s of sessions) await s.connect();
    const [first, second] = sessions as [pg.Client, pg.Client];
    await first.query('CREATE TABLE flood (wave int, session int)');
    await second.query('BEGIN');
    const outcomes = new Map<string, number>();
    for (let wave = 0; wave < WAVES; wave++) {
      const attempts = Array.from({ length: WAVE_CONNECTIONS }, attempt);
      const work = sessions.map((s, i) => s.query('INSERT INTO flood VALUES ($1, $2) RETURNING session', [wave, i]));
      for (const outcome of await Promise.all(attempts)) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      expect((await Promise.all(work)).map((r) => r.rows[0]?.session)).toEqual([0, 1, 2, 3]);
    }
    expect(Object.fromEntries(outcomes)).toEqual({ '53300': WAVES * WAVE_CONNECTIONS });
    await second.query('COMMIT');
    const count = await first.query<{ n: string }>('SELECT count(*) AS n FROM flood');
    expect(Number(count.rows[0]?.n)).toBe(WAVES * CONNECTIONS_MAX);
    // A session leaves; a newcomer gets in (once the server saw the Terminate: bounded retries).
    await (sessions.pop() as pg.Client).end();
    let outcome = await attempt();
    for (let tries = 0; outcome === '53300' && tries < 100; tries++) outcome = await attempt();
    expect(outcome).toBe('connected');
    for (const s of sessions) await s.end();
  });
});
