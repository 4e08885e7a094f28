/**
 * The Prometheus endpoint of a real server: scraped before and after a pg workload, parsed
 * strictly, and checked for moving counters, sensible percentiles, engine bytes per component,
 * gauges, error counts by SQLSTATE, and the structured log lines (slow statements, errors with
 * SQLSTATE). Also the CLI's --metrics-port, scraped from a child-process server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { createLogger } from '../../src/util/logger.js';
import { freePort } from '../support/free-port.js';
import { startStratadb } from '../support/stratadb.js';
import { parsePrometheus, sampleValue, type Exposition } from './prometheus-text.js';

const INSERTS = 120;
const rootDir = mkdtempSync(join(tmpdir(), 'strata-ops-metrics-'));
const logLines: Array<Record<string, unknown>> = [];
let server: RunningServer;

beforeAll(async () => {
  const logger = createLogger({ level: 'debug', destination: { write: (line) => void logLines.push(JSON.parse(line) as Record<string, unknown>) } });
  server = await startServer({ dataDir: rootDir, host: '127.0.0.1', port: 0, metricsPort: 0, slowStatementMs: 0, logger });
});

afterAll(async () => {
  await server?.close();
  rmSync(rootDir, { recursive: true, force: true });
});

async function scrape(port: number, path = '/metrics'): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

async function metrics(): Promise<Exposition> {
  const result = await scrape(server.metricsPort as number);
  expect(result.status).toBe(200);
  expect(result.type).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(result.text);
}

function value(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  const v = sampleValue(e, name, labels);
  if (v === undefined) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
  return v;
}

describe('metrics endpoint', () => {
  it('shows moving counters, sensible percentiles and engine bytes during a workload', async () => {
    const client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
    client.on('error', () => undefined);
    await client.connect();
    const before = await metrics();
    expect(value(before, 'stratadb_connections')).toBe(1);
    await client.query('CREATE TABLE kv (k int PRIMARY KEY, v text)');
    for (let i = 0; i < INSERTS; i++) {
      await client.query('BEGIN');
      await client.query('INSERT INTO kv VALUES ($1, $2)', [i, 'v'.repeat(i * 20)]);
      await client.query('COMMIT');
    }
    expect((await client.query('SELECT count(*) AS n FROM kv')).rows[0].n).toBe(String(INSERTS));
    await expect(client.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' });
    const after = await metrics();
    const insertsBefore = sampleValue(before, 'stratadb_statements_total', { kind: 'insert' }) ?? 0;
    expect(value(after, 'stratadb_statements_total', { kind: 'insert' }) - insertsBefore).toBe(INSERTS);
    expect(value(after, 'stratadb_statements_total', { kind: 'commit' })).toBeGreaterThanOrEqual(INSERTS);
    expect(value(after, 'stratadb_commits_total') - value(before, 'stratadb_commits_total')).toBeGreaterThanOrEqual(INSERTS);
    expect(value(after, 'stratadb_statement_errors_total', { sqlstate: '42P01' })).toBe(1);
    expect(value(after, 'stratadb_statement_duration_seconds_count')).toBeGreaterThan(3 * INSERTS);
    const quantiles = ['0.5', '0.95', '0.99', '0.999'].map((q) => value(after, 'stratadb_statement_duration_seconds', { quantile: q }));
    expect(quantiles[0]).toBeGreaterThan(0);
    for (let i = 1; i < quantiles.length; i++) expect(quantiles[i]).toBeGreaterThanOrEqual(quantiles[i - 1] as number);
    expect(value(after, 'stratadb_statement_duration_seconds_max')).toBeGreaterThanOrEqual(quantiles[3] as number);
    expect(value(after, 'stratadb_commit_duration_seconds_count')).toBeGreaterThanOrEqual(INSERTS);
    for (const component of ['commit_log', 'vlog']) {
      expect(value(after, 'stratadb_engine_bytes_written_total', { component })).toBeGreaterThan(
        sampleValue(before, 'stratadb_engine_bytes_written_total', { component }) ?? 0,
      );
    }
    expect(value(after, 'stratadb_engine_user_bytes_written_total')).toBeGreaterThan(0);
    expect(value(after, 'stratadb_engine_memtable_bytes')).toBeGreaterThan(0);
    expect(after.types.get('stratadb_engine_bytes_written_total')).toBe('counter');
    // The rows that went to the value log were written through to the value cache: a point read
    // of the longest one is a value-cache hit.
    expect((await client.query('SELECT length(v) AS n FROM kv WHERE k = $1', [INSERTS - 1])).rows[0].n).toBe((INSERTS - 1) * 20);
    const read = await metrics();
    expect(value(read, 'stratadb_engine_value_cache_hits_total') - value(after, 'stratadb_engine_value_cache_hits_total')).toBe(1);
    expect(value(read, 'stratadb_engine_value_cache_bytes')).toBeGreaterThan(0);
    expect(read.types.get('stratadb_engine_value_cache_misses_total')).toBe('counter');
    expect(after.types.get('stratadb_active_transactions')).toBe('gauge');
    await client.end();
  });

  it('logs slow statements and failed statements with their SQLSTATE', () => {
    const slow = logLines.filter((l) => l.msg === 'slow statement');
    expect(slow.some((l) => l.sql === 'INSERT INTO kv VALUES ($1, $2)' && l.tag === 'INSERT 0 1' && typeof l.durationMs === 'number')).toBe(true);
    const failed = logLines.filter((l) => l.msg === 'statement failed');
    expect(failed).toEqual([expect.objectContaining({ sqlstate: '42P01', sql: 'SELECT * FROM no_such_table' })]);
    expect(logLines.some((l) => l.msg === 'storage engine open' && typeof l.recoveryMs === 'number')).toBe(true);
  });

  it('answers only GET /metrics', async () => {
    const port = server.metricsPort as number;
    expect((await scrape(port, '/nope')).status).toBe(404);
    expect((await scrape(port, '/')).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
  });
});

describe('SHOW METRICS and SHOW WAF', () => {
  it('return the registry and the write amplification per component as rows', async () => {
    const client = new pg.Client({ host: server.host, port: server.port, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      const shown = await client.query<{ metric: string; labels: string; value: string }>('SHOW METRICS');
      expect(shown.fields.map((f) => f.name)).toEqual(['metric', 'labels', 'value']);
      const insert = shown.rows.find((r) => r.metric === 'stratadb_statements_total' && r.labels === 'kind="insert"');
      expect(Number(insert?.value)).toBe(INSERTS);
      expect(shown.rows.filter((r) => r.metric === 'stratadb_statement_duration_seconds').map((r) => r.labels)).toEqual([
        'quantile="0.5"',
        'quantile="0.95"',
        'quantile="0.99"',
        'quantile="0.999"',
      ]);
      const waf = await client.query<{ component: string; bytes_written: string; write_amplification: string | null }>('SHOW WAF');
      expect(waf.fields.map((f) => f.name)).toEqual(['component', 'bytes_written', 'write_amplification']);
      const byComponent = new Map(waf.rows.map((r) => [r.component, r]));
      expect(Number(byComponent.get('user')?.bytes_written)).toBeGreaterThan(0);
      expect(Number(byComponent.get('total')?.write_amplification)).toBeGreaterThan(1);
      expect(Number(byComponent.get('commit_log')?.bytes_written)).toBeGreaterThan(0);
      // Extended protocol too (the columns are known at Parse/Describe time).
      const prepared = await client.query({ text: 'SHOW WAF', name: 'waf' });
      expect(prepared.rows.length).toBe(waf.rows.length);
    } finally {
      await client.end();
    }
  });
});

describe('stratadb --metrics-port', () => {
  it('serves metrics from the CLI server', async () => {
    const metricsPort = await freePort();
    // A 10 ms idle-poll window: the closed loop below is sure to count as a busy client.
    const cli = await startStratadb({ extraArgs: ['--metrics-port', String(metricsPort), '--idle-poll-us', '10000'] });
    try {
      const client = new pg.Client({ host: cli.host, port: cli.port, user: 'postgres', database: 'postgres' });
      await client.connect();
      for (let i = 0; i < 50; i++) await client.query({ name: 'one', text: 'SELECT $1::int', values: [i] });
      const parsed = parsePrometheus((await scrape(metricsPort)).text);
      expect(value(parsed, 'stratadb_statements_total', { kind: 'select' })).toBeGreaterThanOrEqual(50);
      expect(value(parsed, 'stratadb_connections')).toBe(1);
      // Each poll either caught the next request or missed it; no measurement has ended yet.
      const polls = ['caught', 'missed'].map((kind) => value(parsed, `stratadb_idle_polls_${kind}_total`));
      expect(polls[0]! + polls[1]!).toBeGreaterThan(0);
      expect(value(parsed, 'stratadb_idle_poll_choices_total', { mode: 'polling' })).toBe(0);
      expect(value(parsed, 'stratadb_idle_poll_choices_total', { mode: 'sleeping' })).toBe(0);
      await client.end();
    } finally {
      await cli.stop();
    }
  });
});
