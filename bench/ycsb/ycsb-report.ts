/**
 * Summaries of YCSB runs: per workload and system, the throughput of each run (median, min, max of
 * the runs) and latency percentiles over the merged histograms of all runs; the stratadb/PostgreSQL
 * ratios; a text table and the JSON document written to bench/results/.
 *
 * - Latencies are microseconds in the histograms and milliseconds in the table.
 * - Ratios are stratadb over PostgreSQL: > 1 is better for throughput, < 1 is better for p99.
 * - A system that completed no operation inside the measured windows shows '—' for its latencies
 *   (an operation longer than the window is never counted).
 * - CPU per operation (server process tree, and the benchmark's own driver) is the median over the
 *   runs; on a shared 2-core machine it is the steadier measure of efficiency, and with the driver's
 *   share it bounds the throughput either server can reach here: cores / (server + driver) per op.
 */
import type { OperationKind, WorkloadName } from './workload.js';
import { newHistogram, OPERATION_KINDS, type RunResult } from './workload-runner.js';

export type SystemName = 'postgres' | 'stratadb';

export interface Percentiles {
  p50Us: number;
  p95Us: number;
  p99Us: number;
  p999Us: number;
  meanUs: number;
  maxUs: number;
}

export interface RunSummary extends Percentiles {
  run: number;
  operations: number;
  measuredS: number;
  throughputOpsPerS: number;
  errors: Record<OperationKind, number>;
  errorSamples: string[];
  aborted: boolean;
  /** CPU µs per operation: the server's process tree (undefined when not measurable) and the driver. */
  serverCpuUsPerOp: number | undefined;
  driverCpuUsPerOp: number | undefined;
}

export interface Summary extends Percentiles {
  system: SystemName;
  workload: WorkloadName;
  runs: RunSummary[];
  throughputMedianOpsPerS: number;
  throughputMinOpsPerS: number;
  throughputMaxOpsPerS: number;
  errors: number;
  serverCpuUsPerOp: number | undefined;
  driverCpuUsPerOp: number | undefined;
  /** Percentiles per operation kind over all runs (kinds the workload does not issue are absent). */
  byKind: Partial<Record<OperationKind, Percentiles & { operations: number }>>;
}

export interface Ratio {
  workload: WorkloadName;
  throughput: number;
  p99: number;
  /** Server CPU per operation, stratadb over PostgreSQL (< 1: stratadb does the work with less CPU). */
  serverCpu: number;
}

interface HistogramLike {
  getValueAtPercentile(percentile: number): number;
  readonly mean: number;
  readonly maxValue: number;
  readonly totalCount: number;
}

export function percentilesOf(histogram: HistogramLike): Percentiles {
  return {
    p50Us: histogram.getValueAtPercentile(50),
    p95Us: histogram.getValueAtPercentile(95),
    p99Us: histogram.getValueAtPercentile(99),
    p999Us: histogram.getValueAtPercentile(99.9),
    meanUs: Math.round(histogram.mean),
    maxUs: histogram.maxValue,
  };
}

export function runSummary(run: number, result: RunResult): RunSummary {
  return {
    run,
    operations: result.operations,
    measuredS: Number(result.measuredS.toFixed(3)),
    throughputOpsPerS: Number(result.throughputOpsPerS.toFixed(1)),
    errors: result.errors,
    errorSamples: result.errorSamples,
    aborted: result.aborted,
    serverCpuUsPerOp: rounded(result.cpuPerOp?.serverUs),
    driverCpuUsPerOp: rounded(result.cpuPerOp?.driverUs),
    ...percentilesOf(result.all),
  };
}

function rounded(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Number(value.toFixed(1));
}

function medianOf(values: ReadonlyArray<number | undefined>): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : rounded(median(known));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Merges the runs of one workload on one system. */
export function summarize(system: SystemName, workload: WorkloadName, runs: ReadonlyArray<{ run: number; result: RunResult }>): Summary {
  const all = newHistogram();
  const byKind: Summary['byKind'] = {};
  for (const kind of OPERATION_KINDS) {
    const merged = newHistogram();
    for (const { result } of runs) merged.add(result.byKind[kind]);
    if (merged.totalCount > 0) byKind[kind] = { operations: merged.totalCount, ...percentilesOf(merged) };
  }
  for (const { result } of runs) all.add(result.all);
  const summaries = runs.map(({ run, result }) => runSummary(run, result));
  const throughputs = summaries.map((summary) => summary.throughputOpsPerS);
  const errors = summaries.reduce((sum, summary) => sum + summary.errors.read + summary.errors.update + summary.errors.rmw, 0);
  return {
    system,
    workload,
    runs: summaries,
    throughputMedianOpsPerS: Number(median(throughputs).toFixed(1)),
    throughputMinOpsPerS: Math.min(...throughputs),
    throughputMaxOpsPerS: Math.max(...throughputs),
    errors,
    serverCpuUsPerOp: medianOf(summaries.map((summary) => summary.serverCpuUsPerOp)),
    driverCpuUsPerOp: medianOf(summaries.map((summary) => summary.driverCpuUsPerOp)),
    byKind,
    ...percentilesOf(all),
  };
}

export function ratios(summaries: readonly Summary[]): Ratio[] {
  const out: Ratio[] = [];
  for (const strata of summaries.filter((summary) => summary.system === 'stratadb')) {
    const postgres = summaries.find((summary) => summary.system === 'postgres' && summary.workload === strata.workload);
    if (postgres === undefined) continue;
    out.push({
      workload: strata.workload,
      throughput: Number((strata.throughputMedianOpsPerS / Math.max(1, postgres.throughputMedianOpsPerS)).toFixed(3)),
      // No operation measured means no latency to compare (NaN, null in JSON), not a p99 of 0.
      p99: strata.runs.some((run) => run.operations > 0) ? Number((strata.p99Us / Math.max(1, postgres.p99Us)).toFixed(3)) : Number.NaN,
      serverCpu: strata.serverCpuUsPerOp !== undefined && postgres.serverCpuUsPerOp !== undefined && postgres.serverCpuUsPerOp > 0
        ? Number((strata.serverCpuUsPerOp / postgres.serverCpuUsPerOp).toFixed(3))
        : Number.NaN,
    });
  }
  return out;
}

const ms = (us: number): string => (us / 1000).toFixed(us < 10_000 ? 2 : 1);
const count = (n: number): string => (n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US'));

/** The text table printed at the end of a run and saved beside the JSON. */
export function textTable(title: string, summaries: readonly Summary[]): string {
  const header = ['workload', 'system', 'ops/s median', '[min – max]', 'p50 ms', 'p95 ms', 'p99 ms', 'p99.9 ms', 'errors', 'server CPU µs/op', 'driver CPU µs/op'];
  const cpu = (us: number | undefined): string => (us === undefined ? '—' : us.toFixed(1));
  const rows: string[][] = [];
  const ratioByWorkload = new Map(ratios(summaries).map((ratio) => [ratio.workload, ratio]));
  for (const workload of [...new Set(summaries.map((summary) => summary.workload))]) {
    for (const summary of summaries.filter((s) => s.workload === workload)) {
      const measured = summary.runs.some((run) => run.operations > 0);
      const latency = (us: number): string => (measured ? ms(us) : '—');
      rows.push([
        workload,
        summary.system,
        count(summary.throughputMedianOpsPerS),
        `[${count(summary.throughputMinOpsPerS)} – ${count(summary.throughputMaxOpsPerS)}]`,
        latency(summary.p50Us),
        latency(summary.p95Us),
        latency(summary.p99Us),
        latency(summary.p999Us),
        String(summary.errors),
        cpu(summary.serverCpuUsPerOp),
        cpu(summary.driverCpuUsPerOp),
      ]);
    }
    const ratio = ratioByWorkload.get(workload);
    const times = (value: number): string => (Number.isNaN(value) ? '—' : `${value.toFixed(2)}×`);
    if (ratio !== undefined) rows.push([workload, 'strata/PG', times(ratio.throughput), '', '', '', times(ratio.p99), '', '', times(ratio.serverCpu), '']);
  }
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ');
  return [title, line(header), ...rows.map(line)].join('\n');
}
