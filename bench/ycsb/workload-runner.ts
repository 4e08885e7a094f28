/**
 * The YCSB run phase over node-postgres: one closed-loop worker per connection, each issuing the
 * workload's operations back to back (YCSB's client threads with no target throughput).
 *
 * - Operations: read = SELECT * by key; update = one random field; rmw = BEGIN; SELECT; UPDATE;
 *   COMMIT on one connection (one operation, timed as a whole, like YCSB's READ-MODIFY-WRITE).
 * - A warm-up runs first and is not recorded. Then an operation is recorded if it completes inside
 *   the measured window; the window ends at `durationS` or after `operationsMax` operations.
 * - Latencies are microseconds in HDR histograms (3 significant digits), per kind and overall; a
 *   failed operation is counted as an error (first messages kept), never recorded as a latency,
 *   and not counted in throughput.
 * - More than `consecutiveErrorsMax` errors in a row on one connection abort the run.
 */
import * as hdr from 'hdr-histogram-js';
import type pg from 'pg';
import { RandomSource } from './random-source.js';
import { READ_STATEMENT, UPDATE_STATEMENTS } from './usertable.js';
import { chooseOperation, FIELD_COUNT, FIELD_LENGTH, fieldValue, KeyChooser, type OperationKind, type Workload } from './workload.js';

export const OPERATION_KINDS: readonly OperationKind[] = ['read', 'update', 'rmw'];
const ERROR_SAMPLES_MAX = 5;

export interface RunOptions {
  readonly recordCount: number;
  readonly warmupS: number;
  readonly durationS: number;
  /** Stop the measured window after this many operations (all connections together). */
  readonly operationsMax: number;
  readonly seed: number;
  readonly consecutiveErrorsMax: number;
  /** Reads the server's and the driver's CPU ms so far (undefined parts are not reported). */
  readonly cpuProbe?: () => CpuSample;
}

export interface CpuSample {
  readonly serverMs: number | undefined;
  readonly driverMs: number;
}

/** CPU per measured operation, from probes at the window's start and end. */
export interface CpuPerOp {
  readonly serverUs: number | undefined;
  readonly driverUs: number;
}

export interface RunResult {
  readonly operations: number;
  readonly measuredS: number;
  readonly throughputOpsPerS: number;
  readonly all: hdr.Histogram;
  readonly byKind: Record<OperationKind, hdr.Histogram>;
  readonly errors: Record<OperationKind, number>;
  readonly errorSamples: string[];
  readonly aborted: boolean;
  readonly cpuPerOp: CpuPerOp | undefined;
}

/** Live counters, read by the progress line. */
export interface RunProgress {
  measuring: boolean;
  operations: number;
  errors: number;
  elapsedS: number;
}

export function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

interface SharedState {
  readonly progress: RunProgress;
  stop: boolean;
  aborted: boolean;
  windowStartMs: number;
  windowEndMs: number;
  cpuAtStart: CpuSample | undefined;
  cpuAtEnd: CpuSample | undefined;
  readonly result: RunResult;
}

async function perform(client: pg.Client, kind: OperationKind, key: string, random: RandomSource, scratch: Buffer): Promise<void> {
  if (kind === 'read') {
    await client.query({ ...READ_STATEMENT, values: [key] });
    return;
  }
  const update = UPDATE_STATEMENTS[random.nextInt(FIELD_COUNT)] as pg.QueryConfig;
  const value = fieldValue(random, scratch);
  if (kind === 'update') {
    await client.query({ ...update, values: [value, key] });
    return;
  }
  await client.query('BEGIN');
  try {
    await client.query({ ...READ_STATEMENT, values: [key] });
    await client.query({ ...update, values: [value, key] });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function noteError(state: SharedState, kind: OperationKind, error: unknown): void {
  state.progress.errors++;
  state.result.errors[kind]++;
  const code = (error as { code?: string }).code;
  const message = `${kind}: ${code ?? ''} ${error instanceof Error ? error.message : String(error)}`;
  if (state.result.errorSamples.length < ERROR_SAMPLES_MAX && !state.result.errorSamples.includes(message)) {
    state.result.errorSamples.push(message);
  }
}

async function worker(client: pg.Client, workload: Workload, keys: readonly string[], options: RunOptions, seed: number, state: SharedState): Promise<void> {
  const random = new RandomSource(seed);
  const chooser = new KeyChooser(options.recordCount);
  const scratch = Buffer.alloc(FIELD_LENGTH);
  let consecutiveErrors = 0;
  while (!state.stop) {
    const kind = chooseOperation(workload, random);
    const key = keys[chooser.next(random)] as string;
    const startMs = performance.now();
    try {
      await perform(client, kind, key, random, scratch);
      consecutiveErrors = 0;
    } catch (error) {
      if (state.progress.measuring) noteError(state, kind, error);
      if (++consecutiveErrors > options.consecutiveErrorsMax) {
        state.aborted = true;
        state.stop = true;
      }
      continue;
    }
    const endMs = performance.now();
    if (!state.progress.measuring || startMs < state.windowStartMs || endMs > state.windowEndMs) continue;
    const latencyUs = Math.max(1, Math.round((endMs - startMs) * 1000));
    state.result.all.recordValue(latencyUs);
    state.result.byKind[kind].recordValue(latencyUs);
    if (++state.progress.operations >= options.operationsMax) {
      state.windowEndMs = endMs;
      state.stop = true;
      state.cpuAtEnd ??= options.cpuProbe?.();
    }
  }
}

function emptyResult(): RunResult {
  return {
    operations: 0,
    measuredS: 0,
    throughputOpsPerS: 0,
    all: newHistogram(),
    byKind: { read: newHistogram(), update: newHistogram(), rmw: newHistogram() },
    errors: { read: 0, update: 0, rmw: 0 },
    errorSamples: [],
    aborted: false,
    cpuPerOp: undefined,
  };
}

function cpuPerOp(start: CpuSample | undefined, end: CpuSample | undefined, operations: number): CpuPerOp | undefined {
  if (start === undefined || end === undefined || operations === 0) return undefined;
  const serverUs = start.serverMs === undefined || end.serverMs === undefined ? undefined : ((end.serverMs - start.serverMs) * 1000) / operations;
  return { serverUs, driverUs: ((end.driverMs - start.driverMs) * 1000) / operations };
}

/** Runs `workload` on `clients` (one worker each); `progress` is updated live. */
export async function runWorkload(
  clients: readonly pg.Client[],
  workload: Workload,
  keys: readonly string[],
  options: RunOptions,
  progress: RunProgress,
): Promise<RunResult> {
  const state: SharedState = {
    progress, stop: false, aborted: false, windowStartMs: Infinity, windowEndMs: Infinity, cpuAtStart: undefined, cpuAtEnd: undefined, result: emptyResult(),
  };
  const startedMs = performance.now();
  const ticker = setInterval(() => {
    const nowMs = performance.now();
    progress.elapsedS = (nowMs - startedMs) / 1000;
    if (!progress.measuring && progress.elapsedS >= options.warmupS) {
      progress.measuring = true;
      state.windowStartMs = nowMs;
      state.windowEndMs = nowMs + options.durationS * 1000;
      state.cpuAtStart = options.cpuProbe?.();
    } else if (progress.measuring && nowMs >= state.windowEndMs) {
      state.stop = true;
      state.cpuAtEnd ??= options.cpuProbe?.();
    }
  }, 50);
  try {
    await Promise.all(clients.map((client, i) => worker(client, workload, keys, options, options.seed * 1000 + i, state)));
  } finally {
    clearInterval(ticker);
  }
  const measuredMs = Math.max(0, Math.min(state.windowEndMs, performance.now()) - state.windowStartMs);
  const operations = state.result.all.totalCount;
  return {
    ...state.result,
    operations,
    measuredS: measuredMs / 1000,
    throughputOpsPerS: measuredMs > 0 ? operations / (measuredMs / 1000) : 0,
    aborted: state.aborted,
    cpuPerOp: cpuPerOp(state.cpuAtStart, state.cpuAtEnd ?? options.cpuProbe?.(), operations),
  };
}
