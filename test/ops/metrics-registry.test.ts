/**
 * The metrics registry, the HDR latency histogram and the Prometheus rendering, checked by
 * parsing the rendered text back (prometheus-text.ts).
 */
import { describe, expect, it } from 'vitest';
import { LatencyHistogram, HISTOGRAM_VALUE_US_MAX } from '../../src/util/metrics-histogram.js';
import { MetricsError, MetricsRegistry } from '../../src/util/metrics-registry.js';
import { renderPrometheus } from '../../src/util/metrics-prometheus.js';
import { parsePrometheus, sampleValue } from './prometheus-text.js';

describe('LatencyHistogram', () => {
  it('gives HDR percentiles within 0.1% and an exact count and sum', () => {
    const h = new LatencyHistogram();
    for (let us = 1; us <= 100_000; us++) h.record(us);
    const snap = h.snapshot();
    expect(snap.count).toBe(100_000);
    expect(snap.sumUs).toBe((100_000 * 100_001) / 2);
    const expected = [50_000, 95_000, 99_000, 99_900];
    snap.quantilesUs.forEach((q, i) => expect(Math.abs(q - (expected[i] as number)) / (expected[i] as number)).toBeLessThan(0.001));
    expect(snap.maxUs).toBeGreaterThanOrEqual(100_000 * 0.999);
  });

  it('clamps values outside its range instead of dropping them', () => {
    const h = new LatencyHistogram();
    h.record(0);
    h.record(-5);
    h.record(HISTOGRAM_VALUE_US_MAX * 10);
    expect(h.count).toBe(3);
    expect(h.percentileUs(100)).toBeGreaterThanOrEqual(HISTOGRAM_VALUE_US_MAX * 0.999);
    h.reset();
    expect(h.snapshot()).toEqual({ count: 0, sumUs: 0, maxUs: 0, quantilesUs: [0, 0, 0, 0] });
  });
});

describe('MetricsRegistry', () => {
  it('returns one series per (name, labels), whatever the label order', () => {
    const r = new MetricsRegistry();
    const a = r.counter('x_total', 'x', { a: '1', b: '2' });
    expect(r.counter('x_total', 'x', { b: '2', a: '1' })).toBe(a);
    expect(r.counter('x_total', 'x', { a: '2', b: '2' })).not.toBe(a);
    a.inc(3);
    expect(r.valueOf('x_total', { b: '2', a: '1' })).toBe(3);
    expect(() => r.gauge('x_total', 'x')).toThrow(/is a counter/);
    expect(() => a.inc(-1)).toThrow();
  });

  it('bounds the number of series', () => {
    const r = new MetricsRegistry(3);
    for (let i = 0; i < 3; i++) r.gauge('g', 'g', { i: String(i) });
    expect(() => r.gauge('g', 'g', { i: '3' })).toThrow(MetricsError);
    expect(() => new MetricsRegistry(0)).toThrow(MetricsError);
  });

  it('runs collectors on every collect', () => {
    const r = new MetricsRegistry();
    let reads = 0;
    const g = r.gauge('reads', 'collector runs');
    r.onCollect(() => g.set(++reads));
    r.collect();
    r.collect();
    expect(r.valueOf('reads')).toBe(2);
  });
});

describe('renderPrometheus', () => {
  it('renders counters, gauges and summaries that parse back to the same values', () => {
    const r = new MetricsRegistry();
    r.counter('stmts_total', 'Statements.', { kind: 'select' }).inc(7);
    r.counter('stmts_total', 'Statements.', { kind: 'in"sert\\\n' }).inc(2);
    r.gauge('mem_bytes', 'Memory.').set(1.5e9);
    const h = r.histogram('lat_seconds', 'Latency.');
    for (let us = 1; us <= 1000; us++) h.record(us * 1000);
    const text = renderPrometheus(r);
    const parsed = parsePrometheus(text);
    expect(parsed.types.get('stmts_total')).toBe('counter');
    expect(parsed.types.get('lat_seconds')).toBe('summary');
    expect(sampleValue(parsed, 'stmts_total', { kind: 'select' })).toBe(7);
    expect(sampleValue(parsed, 'stmts_total', { kind: 'in"sert\\\n' })).toBe(2);
    expect(sampleValue(parsed, 'mem_bytes')).toBe(1.5e9);
    expect(sampleValue(parsed, 'lat_seconds_count')).toBe(1000);
    expect(sampleValue(parsed, 'lat_seconds_sum')).toBeCloseTo(500.5, 6);
    const p50 = sampleValue(parsed, 'lat_seconds', { quantile: '0.5' }) as number;
    const p999 = sampleValue(parsed, 'lat_seconds', { quantile: '0.999' }) as number;
    expect(p50).toBeCloseTo(0.5, 2);
    expect(p999).toBeCloseTo(0.999, 2);
    expect(sampleValue(parsed, 'lat_seconds_max')).toBeCloseTo(1, 2);
  });
});
