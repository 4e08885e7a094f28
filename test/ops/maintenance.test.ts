/**
 * CHECKPOINT, VACUUM, VACUUM FULL and CALL stratadb_compact() over the wire: each one's command
 * tag, its effect on the engine as SHOW METRICS and SHOW WAF report it (flushes, compactions,
 * value-log GC, bytes per component), and PostgreSQL's errors around them. The engine keeps
 * values over 64 bytes in 64 KiB value-log segments, so a few hundred rows span many segments.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';

const ROWS = 400;
const VALUE_BYTES = 1000;
const rootDir = mkdtempSync(join(tmpdir(), 'strata-ops-maint-'));
let server: RunningServer;
let client: pg.Client;
const notices: string[] = [];

beforeAll(async () => {
  server = await startServer({ dataDir: rootDir, host: '127.0.0.1', port: 0, engine: { valueThreshold: 64, vlogSegmentBytesMax: 64 * 1024 } });
  client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
  client.on('notice', (n) => notices.push(`${n.severity}: ${n.message}`));
  await client.connect();
  await client.query('CREATE TABLE big (k int PRIMARY KEY, v text)');
  await client.query(`INSERT INTO big SELECT g, repeat('x', ${VALUE_BYTES}) FROM generate_series(1, ${ROWS}) g`);
});

afterAll(async () => {
  await client?.end();
  await server?.close();
  rmSync(rootDir, { recursive: true, force: true });
});

/** SHOW METRICS as metric{labels} → value. */
async function metrics(): Promise<Map<string, number>> {
  const rows = (await client.query<{ metric: string; labels: string; value: string }>('SHOW METRICS')).rows;
  return new Map(rows.map((r) => [r.labels === '' ? r.metric : `${r.metric}{${r.labels}}`, Number(r.value)]));
}

async function wafBytes(): Promise<Map<string, number>> {
  const rows = (await client.query<{ component: string; bytes_written: string }>('SHOW WAF')).rows;
  return new Map(rows.map((r) => [r.component, Number(r.bytes_written)]));
}

function metric(m: Map<string, number>, key: string): number {
  const v = m.get(key);
  if (v === undefined) throw new Error(`no metric ${key}`);
  return v;
}

describe('storage maintenance statements', () => {
  it('CHECKPOINT flushes the memtable', async () => {
    const [before, wafBefore] = [await metrics(), await wafBytes()];
    expect(metric(before, 'stratadb_engine_memtable_bytes')).toBeGreaterThan(0);
    const result = await client.query('CHECKPOINT');
    expect(result.command).toBe('CHECKPOINT');
    const [after, wafAfter] = [await metrics(), await wafBytes()];
    expect(metric(after, 'stratadb_engine_flushes_total')).toBeGreaterThan(metric(before, 'stratadb_engine_flushes_total'));
    expect(wafAfter.get('flush')).toBeGreaterThan(wafBefore.get('flush') as number);
    expect(metric(after, 'stratadb_engine_tables')).toBeGreaterThan(0);
  });

  it('VACUUM FULL compacts and collects the value log after an overwrite', async () => {
    await client.query(`UPDATE big SET v = repeat('y', ${VALUE_BYTES})`);
    await client.query('CHECKPOINT');
    const [before, wafBefore] = [await metrics(), await wafBytes()];
    notices.length = 0;
    expect((await client.query('VACUUM (FULL, VERBOSE) big')).command).toBe('VACUUM');
    expect(notices).toEqual([expect.stringMatching(/^INFO: storage: \d+ memtable flushes, [1-9]\d* compactions, [1-9]\d* value-log segments collected, [1-9]\d* bytes reclaimed$/)]);
    const [after, wafAfter] = [await metrics(), await wafBytes()];
    expect(metric(after, 'stratadb_engine_compactions_total')).toBeGreaterThan(metric(before, 'stratadb_engine_compactions_total'));
    expect(metric(after, 'stratadb_engine_gc_runs_total')).toBeGreaterThan(metric(before, 'stratadb_engine_gc_runs_total'));
    expect(metric(after, 'stratadb_engine_gc_bytes_reclaimed_total')).toBeGreaterThan(0);
    expect(metric(after, 'stratadb_engine_compaction_duration_seconds_count')).toBeGreaterThan(0);
    expect(metric(after, 'stratadb_engine_compaction_duration_seconds{quantile="0.5"}')).toBeGreaterThan(0);
    expect(wafAfter.get('compaction')).toBeGreaterThan(wafBefore.get('compaction') as number);
    expect(wafAfter.get('gc_vlog')).toBeGreaterThan(wafBefore.get('gc_vlog') as number);
    expect(metric(after, 'stratadb_engine_vlog_live_bytes')).toBeGreaterThanOrEqual(ROWS * VALUE_BYTES);
    expect(metric(after, 'stratadb_engine_vlog_garbage_bytes')).toBeGreaterThanOrEqual(0);
    const check = await client.query("SELECT count(*) AS n, min(v) = max(v) AND min(v) LIKE 'y%' AS same FROM big");
    expect(check.rows[0]).toEqual({ n: String(ROWS), same: true });
  });

  it('VACUUM runs value-log GC and CALL stratadb_compact() a full compaction', async () => {
    await client.query(`UPDATE big SET v = repeat('z', ${VALUE_BYTES}) WHERE k <= ${ROWS / 2}`);
    const before = await metrics();
    notices.length = 0;
    expect((await client.query('VACUUM VERBOSE')).command).toBe('VACUUM');
    expect(notices).toEqual([expect.stringMatching(/^INFO: storage: [1-9]\d* memtable flushes, \d+ compactions, \d+ value-log segments collected/)]);
    expect((await client.query('VACUUM')).command).toBe('VACUUM');
    const middle = await metrics();
    expect(metric(middle, 'stratadb_engine_flushes_total')).toBeGreaterThan(metric(before, 'stratadb_engine_flushes_total'));
    notices.length = 0;
    expect((await client.query('CALL stratadb_compact()')).command).toBe('CALL');
    expect(notices).toEqual([expect.stringMatching(/^INFO: storage: \d+ memtable flushes, [1-9]\d* compactions/)]);
    const after = await metrics();
    expect(metric(after, 'stratadb_engine_compactions_total')).toBeGreaterThan(metric(middle, 'stratadb_engine_compactions_total'));
    expect(metric(after, 'stratadb_statements_total{kind="vacuum"}')).toBeGreaterThanOrEqual(3);
    expect(metric(after, 'stratadb_statements_total{kind="call"}')).toBe(1);
    const check = await client.query("SELECT count(*) FILTER (WHERE v LIKE 'z%') AS z, count(*) FILTER (WHERE v LIKE 'y%') AS y FROM big");
    expect(check.rows[0]).toEqual({ z: String(ROWS / 2), y: String(ROWS / 2) });
  });

  it('answer as PostgreSQL does around them', async () => {
    expect((await client.query('ANALYZE big')).command).toBe('ANALYZE');
    await expect(client.query('VACUUM no_such_table')).rejects.toMatchObject({ code: '42P01', message: 'relation "no_such_table" does not exist' });
    await expect(client.query('VACUUM (PARALLEL 2)')).rejects.toMatchObject({ code: '0A000' });
    await client.query('BEGIN');
    await expect(client.query('VACUUM')).rejects.toMatchObject({ code: '25001', message: 'VACUUM cannot run inside a transaction block' });
    await client.query('ROLLBACK');
    // A string of several statements is one implicit block (PostgreSQL 15: the same 25001).
    await expect(client.query('SELECT 1; VACUUM')).rejects.toMatchObject({ code: '25001', message: 'VACUUM cannot run inside a transaction block' });
    await expect(client.query('VACUUM; SELECT 1')).rejects.toMatchObject({ code: '25001' });
    await client.query('BEGIN');
    expect((await client.query('CHECKPOINT')).command).toBe('CHECKPOINT');
    await client.query('COMMIT');
    await expect(client.query('SELECT stratadb_compact()')).rejects.toMatchObject({
      code: '42809', message: 'stratadb_compact() is a procedure', hint: 'To call a procedure, use CALL.', position: '8',
    });
    await expect(client.query('CALL stratadb_compact(1)')).rejects.toMatchObject({ code: '42883', message: 'procedure stratadb_compact(unknown) does not exist' });
    await expect(client.query('CALL no_such_procedure()')).rejects.toMatchObject({ code: '42883', message: 'procedure no_such_procedure() does not exist' });
  });
});
