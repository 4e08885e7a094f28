/**
 * MetricsRegistry: the process's counters, gauges and latency histograms, by name and labels, in
 * the shape Prometheus exposes them (a family = name, help, type; a series = one label set).
 *
 * - A (name, labels) pair names exactly one series; asking again returns the same object, so
 *   hot paths look a series up once and keep it.
 * - A name has one type and one help text; reusing it with another type is a programmer error.
 * - Counters only go up: inc(n) with n >= 0, or setTotal() mirroring a monotonic total kept
 *   elsewhere (engine.stats()); gauges are set freely.
 * - Collectors registered with onCollect() run at the start of collect(), so values read from
 *   other components (engine, transactions, connections) are read once per scrape.
 * - Limits: at most seriesMax series in all (labels from unbounded input must not grow memory).
 */
import { assert } from './assert.js';
import { LatencyHistogram } from './metrics-histogram.js';

export type MetricType = 'counter' | 'gauge' | 'summary';
export type Labels = Readonly<Record<string, string>>;

export const SERIES_MAX_DEFAULT = 10_000;
const NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export class Counter {
  private total = 0;
  inc(n = 1): void {
    assert(n >= 0, 'a counter only goes up');
    this.total += n;
  }
  /** Mirrors a monotonic total counted elsewhere. */
  setTotal(total: number): void {
    this.total = total;
  }
  get value(): number {
    return this.total;
  }
}

export class Gauge {
  private current = 0;
  set(value: number): void {
    this.current = value;
  }
  inc(n = 1): void {
    this.current += n;
  }
  dec(n = 1): void {
    this.current -= n;
  }
  get value(): number {
    return this.current;
  }
}

export type SeriesMetric = Counter | Gauge | LatencyHistogram;

export interface MetricSeries {
  readonly labels: Labels;
  readonly metric: SeriesMetric;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly series: ReadonlyMap<string, MetricSeries>;
}

export class MetricsError extends Error {
  override readonly name = 'MetricsError';
}

export class MetricsRegistry {
  private readonly families = new Map<string, { name: string; help: string; type: MetricType; series: Map<string, MetricSeries> }>();
  private readonly collectors: Array<() => void> = [];
  private seriesCount = 0;

  constructor(private readonly seriesMax = SERIES_MAX_DEFAULT) {
    if (!Number.isInteger(seriesMax) || seriesMax < 1) throw new MetricsError('seriesMax must be a positive integer');
  }

  counter(name: string, help: string, labels: Labels = {}): Counter {
    return this.series(name, help, 'counter', labels, () => new Counter()) as Counter;
  }

  gauge(name: string, help: string, labels: Labels = {}): Gauge {
    return this.series(name, help, 'gauge', labels, () => new Gauge()) as Gauge;
  }

  /** A latency histogram in microseconds, exposed as a summary in seconds. */
  histogram(name: string, help: string, labels: Labels = {}): LatencyHistogram {
    return this.series(name, help, 'summary', labels, () => new LatencyHistogram()) as LatencyHistogram;
  }

  /** Runs `collect` before every collect(): the place to read other components' stats. */
  onCollect(collect: () => void): void {
    this.collectors.push(collect);
  }

  /** Runs the collectors and returns every family (in registration order). */
  collect(): MetricFamily[] {
    for (const collector of this.collectors) collector();
    return [...this.families.values()];
  }

  /** The value of a counter or gauge series, or undefined (tests, SHOW METRICS). */
  valueOf(name: string, labels: Labels = {}): number | undefined {
    const metric = this.families.get(name)?.series.get(labelKey(labels))?.metric;
    return metric instanceof Counter || metric instanceof Gauge ? metric.value : undefined;
  }

  private series(name: string, help: string, type: MetricType, labels: Labels, create: () => SeriesMetric): SeriesMetric {
    let family = this.families.get(name);
    if (family === undefined) {
      assert(NAME_PATTERN.test(name), `invalid metric name ${name}`);
      family = { name, help, type, series: new Map() };
      this.families.set(name, family);
    }
    assert(family.type === type, `metric ${name} is a ${family.type}, not a ${type}`);
    const key = labelKey(labels);
    let entry = family.series.get(key);
    if (entry === undefined) {
      if (this.seriesCount >= this.seriesMax) throw new MetricsError(`more than ${this.seriesMax} metric series`);
      for (const label of Object.keys(labels)) assert(NAME_PATTERN.test(label) && !label.includes(':'), `invalid label ${label}`);
      entry = { labels: { ...labels }, metric: create() };
      family.series.set(key, entry);
      this.seriesCount++;
    }
    return entry.metric;
  }
}

/** Canonical key of a label set (sorted names), also the label text Prometheus shows. */
export function labelKey(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  names.sort();
  return names.map((n) => `${n}="${escapeLabelValue(labels[n] as string)}"`).join(',');
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
