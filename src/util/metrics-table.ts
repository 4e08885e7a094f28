/**
 * The registry as a table (metric, labels, value) for SQL's SHOW METRICS: one row per counter or
 * gauge series; a histogram gives one row per quantile (seconds) plus _count, _sum and _max.
 *
 * - Rows come in registration order, series in creation order, as the Prometheus text does.
 * - labels is Prometheus's label text without braces (`kind="select"`), '' when none.
 */
import { LatencyHistogram, QUANTILES } from './metrics-histogram.js';
import { labelKey, type MetricsRegistry } from './metrics-registry.js';

const US_PER_SECOND = 1_000_000;

export function metricsTable(registry: MetricsRegistry): Array<[metric: string, labels: string, value: string]> {
  const rows: Array<[string, string, string]> = [];
  for (const family of registry.collect()) {
    for (const series of family.series.values()) {
      const key = labelKey(series.labels);
      const metric = series.metric;
      if (!(metric instanceof LatencyHistogram)) {
        rows.push([family.name, key, String(metric.value)]);
        continue;
      }
      const snap = metric.snapshot();
      const prefix = key === '' ? '' : `${key},`;
      QUANTILES.forEach((q, i) => rows.push([family.name, `${prefix}quantile="${q}"`, String((snap.quantilesUs[i] ?? 0) / US_PER_SECOND)]));
      rows.push([`${family.name}_count`, key, String(snap.count)]);
      rows.push([`${family.name}_sum`, key, String(snap.sumUs / US_PER_SECOND)]);
      rows.push([`${family.name}_max`, key, String(snap.maxUs / US_PER_SECOND)]);
    }
  }
  return rows;
}
