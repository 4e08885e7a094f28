/**
 * LatencyHistogram: an HDR histogram of durations in microseconds (hdr-histogram-js, 3
 * significant digits), with the percentiles operators read (p50/p95/p99/p999).
 *
 * - Values are clamped to [1, valueUsMax]: a value is never dropped, an outlier past the range
 *   is counted at the top of it (so count stays exact).
 * - sumUs and maxUs are exact (kept beside the histogram, not reconstructed from buckets); a
 *   percentile is its bucket's highest equivalent value, capped at maxUs so p ≤ max holds.
 * - record() allocates nothing: it is called once per statement on the hot path.
 */
import * as hdr from 'hdr-histogram-js';

/** One hour: the largest duration tracked; longer ones are counted as one hour. */
export const HISTOGRAM_VALUE_US_MAX = 3_600_000_000;

/** The quantiles rendered for every histogram. */
export const QUANTILES = [0.5, 0.95, 0.99, 0.999] as const;

export interface HistogramSnapshot {
  readonly count: number;
  readonly sumUs: number;
  readonly maxUs: number;
  /** Value at each of QUANTILES, in the same order. */
  readonly quantilesUs: readonly number[];
}

export class LatencyHistogram {
  private readonly histogram: hdr.Histogram;
  private sum = 0;
  private max = 0;

  constructor() {
    this.histogram = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: HISTOGRAM_VALUE_US_MAX,
      numberOfSignificantValueDigits: 3,
      autoResize: false,
      useWebAssembly: false,
    });
  }

  /** Records one duration in microseconds (fractions are rounded). */
  record(valueUs: number): void {
    const clamped = valueUs < 1 ? 1 : valueUs > HISTOGRAM_VALUE_US_MAX ? HISTOGRAM_VALUE_US_MAX : Math.round(valueUs);
    this.histogram.recordValue(clamped);
    this.sum += clamped;
    if (clamped > this.max) this.max = clamped;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** Value (µs) at percentile p in [0, 100]; 0 when empty. */
  percentileUs(p: number): number {
    return this.histogram.totalCount === 0 ? 0 : Math.min(this.histogram.getValueAtPercentile(p), this.max);
  }

  snapshot(): HistogramSnapshot {
    return {
      count: this.histogram.totalCount,
      sumUs: this.sum,
      maxUs: this.max,
      quantilesUs: QUANTILES.map((q) => this.percentileUs(q * 100)),
    };
  }

  reset(): void {
    this.histogram.reset();
    this.sum = 0;
    this.max = 0;
  }
}
