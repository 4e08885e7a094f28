/**
 * The observability views and maintenance statements without a server (the embedded API):
 * the session sees itself in pg_stat_activity, its settings in pg_settings, the engine's block
 * counters on pg_stat_database's shared row; CHECKPOINT / VACUUM / CALL stratadb_compact() work
 * on an embedded storage engine and do nothing (successfully) on an in-memory store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/storage/index.js';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';

const rootDir = mkdtempSync(join(tmpdir(), 'strata-ops-embedded-'));

afterAll(() => rmSync(rootDir, { recursive: true, force: true }));

describe('embedded database', () => {
  it('sees only its own session, with its settings', async () => {
    const db = await Database.open(new MemoryVersionedKv());
    try {
      const activity = await db.query('SELECT pid = pg_backend_pid() AS me, datname, usename, state, backend_type FROM pg_stat_activity');
      expect(activity.rows).toEqual([{ me: true, datname: 'postgres', usename: 'postgres', state: 'active', backend_type: 'client backend' }]);
      await db.query("SET search_path = 'app'");
      const setting = await db.query("SELECT setting, source, boot_val FROM pg_settings WHERE name = 'search_path'");
      expect(setting.rows).toEqual([{ setting: 'app', source: 'session', boot_val: '"$user", public' }]);
      expect((await db.query('SELECT count(*) AS n FROM pg_settings')).rows[0]?.['n']).toBeGreaterThan(40n);
      const stat = await db.query('SELECT datname, numbackends, blks_hit FROM pg_stat_database ORDER BY datid');
      expect(stat.rows).toEqual([{ datname: null, numbackends: 0, blks_hit: 0n }, { datname: 'postgres', numbackends: 1, blks_hit: 0n }]);
      expect((await db.query('SELECT pg_cancel_backend(pg_backend_pid() + 1) AS ok')).rows).toEqual([{ ok: false }]);
      for (const sql of ['CHECKPOINT', 'VACUUM', 'CALL stratadb_compact()']) expect((await db.query(sql)).command).toBe(sql.split(' ')[0]);
    } finally {
      await db.close();
    }
  });

  it('runs CHECKPOINT, VACUUM and stratadb_compact() on an embedded engine', async () => {
    const engine = await Engine.open(join(rootDir, 'engine'));
    const db = await Database.open(engine);
    try {
      await db.query('CREATE TABLE t (k int PRIMARY KEY, v text)');
      await db.query("INSERT INTO t SELECT g, repeat('v', 100) FROM generate_series(1, 200) g");
      const flushes = engine.stats().flushes;
      expect((await db.query('CHECKPOINT')).command).toBe('CHECKPOINT');
      expect(engine.stats().flushes).toBeGreaterThan(flushes);
      expect((await db.query('VACUUM t')).command).toBe('VACUUM');
      expect((await db.query('CALL stratadb_compact()')).command).toBe('CALL');
      expect(engine.stats().compactions).toBeGreaterThan(0);
      await db.query('SELECT count(*) FROM t WHERE k > 0');
      const shared = await db.query('SELECT blks_read + blks_hit AS blocks FROM pg_stat_database WHERE datid = 0');
      expect(shared.rows[0]?.['blocks']).toBeGreaterThan(0n);
    } finally {
      await db.close();
      await engine.close();
    }
  });
});
