/**
 * Acceptance: the Prometheus endpoint of a real server (`stratadb --metrics-port`, a child
 * process) scraped before, during and after a short YCSB run (workloads A and F over the bench's
 * usertable and zipfian key chooser, 4 connections, a fixed number of operations from a seed).
 * Each scrape is parsed strictly; counters must move by what the workload did, and every latency
 * summary must be sane: 0 < p50 ≤ p95 ≤ p99 ≤ p999 ≤ max.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ycsbKey } from '../../bench/ycsb/fnv-hash.js';
import { RandomSource } from '../../bench/ycsb/random-source.js';
import { loadUsertable, READ_STATEMENT, UPDATE_STATEMENTS } from '../../bench/ycsb/usertable.js';
import { chooseOperation, FIELD_COUNT, FIELD_LENGTH, fieldValue, KeyChooser, WORKLOADS, type OperationKind, type Workload } from '../../bench/ycsb/workload.js';
import type { ServerHandle } from '../support/server-handle.js';
import { freePort } from '../support/free-port.js';
import { startStratadb } from '../support/stratadb.js';
import { parsePrometheus, sampleValue, type Exposition } from './prometheus-text.js';

const SEED = Number(process.env['SEED'] ?? 20261121);
const RECORDS = 400;
const CLIENTS = 4;
const OPS_PER_CLIENT = 150;
const QUANTILES = ['0.5', '0.95', '0.99', '0.999'];

let server: ServerHandle;
let metricsPort: number;

beforeAll(async () => {
  console.log(`SEED=${SEED}`);
  metricsPort = await freePort();
  server = await startStratadb({ extraArgs: ['--metrics-port', String(metricsPort)] });
  await loadUsertable({ host: server.host, port: server.port, user: server.user, database: server.database }, RECORDS, 2);
});

afterAll(async () => {
  await server?.stop();
});

async function scrape(): Promise<Exposition> {
  const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(response.status).toBe(200);
  return parsePrometheus(await response.text());
}

function value(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  const v = sampleValue(e, name, labels);
  if (v === undefined) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
  return v;
}

/** 0 < p50 ≤ p95 ≤ p99 ≤ p999 ≤ max, and the summary counted something. */
function expectSaneSummary(e: Exposition, name: string): void {
  const quantiles = QUANTILES.map((quantile) => value(e, name, { quantile }));
  expect(quantiles[0], `${name} p50`).toBeGreaterThan(0);
  for (let i = 1; i < quantiles.length; i++) expect(quantiles[i], `${name} p${QUANTILES[i]}`).toBeGreaterThanOrEqual(quantiles[i - 1] as number);
  expect(value(e, `${name}_max`)).toBeGreaterThanOrEqual(quantiles[3] as number);
  expect(value(e, `${name}_count`)).toBeGreaterThan(0);
  expect(value(e, `${name}_sum`)).toBeGreaterThan(0);
}

type Counts = Record<OperationKind, number> & { conflicts: number; done: number; onHalf: () => void };

async function operate(client: pg.Client, kind: OperationKind, key: string, random: RandomSource, scratch: Buffer, counts: Counts): Promise<void> {
  counts[kind]++;
  if (kind === 'read') {
    await client.query({ ...READ_STATEMENT, values: [key] });
    return;
  }
  const update = { ...(UPDATE_STATEMENTS[random.nextInt(FIELD_COUNT)] as pg.QueryConfig), values: [fieldValue(random, scratch), key] };
  if (kind === 'update') {
    await client.query(update);
    return;
  }
  await client.query('BEGIN');
  await client.query({ ...READ_STATEMENT, values: [key] });
  await client.query(update);
  try {
    await client.query('COMMIT');
  } catch (error) {
    // Two read-modify-writes of one hot key: the second to commit fails (40001) and rolls back.
    if ((error as { code?: string }).code !== '40001') throw error;
    counts.conflicts++;
  }
}

async function worker(workload: Workload, seed: number, counts: Counts): Promise<void> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
  await client.connect();
  const random = new RandomSource(seed);
  const chooser = new KeyChooser(RECORDS);
  const scratch = Buffer.alloc(FIELD_LENGTH);
  try {
    for (let i = 0; i < OPS_PER_CLIENT; i++) {
      await operate(client, chooseOperation(workload, random), ycsbKey(chooser.next(random)), random, scratch, counts);
      if (++counts.done === (CLIENTS * OPS_PER_CLIENT) / 2) counts.onHalf();
    }
  } finally {
    await client.end();
  }
}

describe('metrics endpoint during a YCSB run', () => {
  it('shows moving counters and sane percentiles', async () => {
    const before = await scrape();
    let reachedHalf = (): void => undefined;
    const half = new Promise<void>((resolve) => (reachedHalf = resolve));
    const counts: Counts = { read: 0, update: 0, rmw: 0, conflicts: 0, done: 0, onHalf: () => reachedHalf() };
    const running = Promise.all(Array.from({ length: CLIENTS }, (_, i) => worker(i % 2 === 0 ? WORKLOADS.A : WORKLOADS.F, SEED + i, counts)));
    await Promise.race([half, running]);
    const during = await scrape();
    await running;
    const after = await scrape();

    const moved = (name: string, labels: Record<string, string> = {}): number => value(after, name, labels) - (sampleValue(before, name, labels) ?? 0);
    // Counters move while the run goes on, and by exactly what the workload did.
    expect(value(during, 'stratadb_statements_total', { kind: 'select' })).toBeGreaterThan(sampleValue(before, 'stratadb_statements_total', { kind: 'select' }) ?? 0);
    expect(value(during, 'stratadb_connections')).toBeGreaterThanOrEqual(CLIENTS);
    expect(value(after, 'stratadb_statements_total', { kind: 'select' })).toBeGreaterThanOrEqual(value(during, 'stratadb_statements_total', { kind: 'select' }));
    expect(moved('stratadb_statements_total', { kind: 'select' })).toBe(counts.read + counts.rmw);
    expect(moved('stratadb_statements_total', { kind: 'update' })).toBe(counts.update + counts.rmw);
    expect(moved('stratadb_statements_total', { kind: 'begin' })).toBe(counts.rmw);
    expect(moved('stratadb_statements_total', { kind: 'commit' })).toBe(counts.rmw - counts.conflicts);
    expect(moved('stratadb_commit_duration_seconds_count')).toBe(counts.rmw - counts.conflicts);
    expect(moved('stratadb_commits_total')).toBeGreaterThanOrEqual(counts.update + counts.rmw - counts.conflicts);
    expect(moved('stratadb_engine_bytes_written_total', { component: 'commit_log' })).toBeGreaterThan(0);
    expect(moved('stratadb_engine_user_bytes_written_total')).toBeGreaterThan(0);
    expect(moved('stratadb_engine_get_duration_seconds_count')).toBeGreaterThan(0);
    expect(value(after, 'stratadb_engine_memtable_bytes')).toBeGreaterThan(0);
    // Latency summaries: statements, explicit commits, engine point reads.
    for (const name of ['stratadb_statement_duration_seconds', 'stratadb_commit_duration_seconds', 'stratadb_engine_get_duration_seconds']) {
      expectSaneSummary(during, name);
      expectSaneSummary(after, name);
    }
  });
});
