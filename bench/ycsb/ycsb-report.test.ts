/** Summaries, ratios, the text table and the SVG chart of YCSB results. */
import { describe, expect, it } from 'vitest';
import { svgChart } from './svg-chart.js';
import { newHistogram, type RunResult } from './workload-runner.js';
import { ratios, summarize, textTable } from './ycsb-report.js';

function fakeRun(throughputOpsPerS: number, latenciesUs: readonly number[], serverUs = 40): RunResult {
  const all = newHistogram();
  const read = newHistogram();
  for (const latency of latenciesUs) {
    all.recordValue(latency);
    read.recordValue(latency);
  }
  return {
    operations: latenciesUs.length,
    measuredS: latenciesUs.length / throughputOpsPerS,
    throughputOpsPerS,
    all,
    byKind: { read, update: newHistogram(), rmw: newHistogram() },
    errors: { read: 1, update: 0, rmw: 0 },
    errorSamples: ['read: 40001 could not serialize'],
    aborted: false,
    cpuPerOp: { serverUs, driverUs: 50 },
  };
}

const latencies = (base: number): number[] => Array.from({ length: 1000 }, (_, i) => base + i);

describe('YCSB report', () => {
  const postgres = summarize('postgres', 'C', [
    { run: 1, result: fakeRun(1000, latencies(100)) },
    { run: 2, result: fakeRun(3000, latencies(100)) },
    { run: 3, result: fakeRun(2000, latencies(100)) },
  ]);
  const strata = summarize('stratadb', 'C', [{ run: 1, result: fakeRun(5000, latencies(50), 30) }]);

  it('takes the median throughput of the runs and percentiles over all of them', () => {
    expect(postgres.throughputMedianOpsPerS).toBe(2000);
    expect([postgres.throughputMinOpsPerS, postgres.throughputMaxOpsPerS]).toEqual([1000, 3000]);
    expect(postgres.p50Us).toBeGreaterThanOrEqual(598);
    expect(postgres.p50Us).toBeLessThanOrEqual(601);
    expect(postgres.p99Us).toBeGreaterThanOrEqual(1087);
    expect(postgres.errors).toBe(3);
    expect(postgres.byKind.read?.operations).toBe(3000);
    expect(postgres.byKind.update).toBeUndefined();
  });

  it('computes stratadb/PostgreSQL ratios', () => {
    const [ratio] = ratios([postgres, strata]);
    expect(ratio?.workload).toBe('C');
    expect(ratio?.throughput).toBe(2.5);
    expect(ratio?.p99).toBeLessThan(1);
    expect(ratio?.serverCpu).toBe(0.75);
  });

  it('prints a table with a ratio row and draws both systems', () => {
    const table = textTable('title', [postgres, strata]);
    expect(table).toContain('strata/PG');
    expect(table).toContain('2.50×');
    expect(table).toContain('0.75×'); // server CPU per operation
    const svg = svgChart('title <&>', 'subtitle', [postgres, strata]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('title &lt;&amp;&gt;');
    expect(svg.match(/<rect [^>]*fill="#e8743b"/g)?.length).toBe(1 + 1 + 4); // legend, throughput bar, 4 percentiles
  });
});
