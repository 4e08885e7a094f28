/**
 * Renders a MetricsRegistry in the Prometheus text exposition format (version 0.0.4).
 *
 * - Every family has its # HELP and # TYPE lines, then one line per series.
 * - Histograms (recorded in µs) are summaries in seconds, the Prometheus base unit:
 *   `name{quantile="0.5"}` … `name{quantile="0.999"}`, `name_sum`, `name_count`; plus a gauge
 *   family `name_max` (largest value recorded).
 * - Values are finite numbers printed with JavaScript's shortest round-trip form.
 */
import { LatencyHistogram, QUANTILES } from './metrics-histogram.js';
import { labelKey, type MetricFamily, type MetricsRegistry } from './metrics-registry.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const US_PER_SECOND = 1_000_000;

export function renderPrometheus(registry: MetricsRegistry): string {
  const out: string[] = [];
  for (const family of registry.collect()) {
    if (family.type === 'summary') renderSummary(family, out);
    else renderScalar(family, out);
  }
  return out.join('\n') + '\n';
}

function header(out: string[], name: string, help: string, type: string): void {
  out.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function withLabels(name: string, key: string, extra?: string): string {
  const all = key === '' ? (extra ?? '') : extra === undefined ? key : `${key},${extra}`;
  return all === '' ? name : `${name}{${all}}`;
}

function renderScalar(family: MetricFamily, out: string[]): void {
  header(out, family.name, family.help, family.type);
  for (const series of family.series.values()) {
    const metric = series.metric;
    if (metric instanceof LatencyHistogram) continue;
    out.push(`${withLabels(family.name, labelKey(series.labels))} ${number(metric.value)}`);
  }
}

function renderSummary(family: MetricFamily, out: string[]): void {
  header(out, family.name, family.help, 'summary');
  const maxes: string[] = [];
  for (const series of family.series.values()) {
    const metric = series.metric;
    if (!(metric instanceof LatencyHistogram)) continue;
    const key = labelKey(series.labels);
    const snap = metric.snapshot();
    QUANTILES.forEach((q, i) => {
      out.push(`${withLabels(family.name, key, `quantile="${q}"`)} ${number((snap.quantilesUs[i] ?? 0) / US_PER_SECOND)}`);
    });
    out.push(`${withLabels(`${family.name}_sum`, key)} ${number(snap.sumUs / US_PER_SECOND)}`);
    out.push(`${withLabels(`${family.name}_count`, key)} ${snap.count}`);
    maxes.push(`${withLabels(`${family.name}_max`, key)} ${number(snap.maxUs / US_PER_SECOND)}`);
  }
  header(out, `${family.name}_max`, `Largest value of ${family.name}.`, 'gauge');
  out.push(...maxes);
}
