/**
 * A hand-written SVG chart of YCSB results: throughput bars per workload (median, with min–max
 * whiskers) and latency percentiles per workload (p50/p95/p99/p99.9, log scale), both systems side
 * by side. No dependencies: plain SVG text.
 *
 * - Systems keep fixed colours (PostgreSQL blue, stratadb orange) so charts compare across runs.
 */
import type { Summary, SystemName } from './ycsb-report.js';

const WIDTH = 1000;
const PANEL_LEFT = 80;
const PANEL_RIGHT = 970;
const COLOURS: Record<SystemName, string> = { postgres: '#336791', stratadb: '#e8743b' };
const LABELS: Record<SystemName, string> = { postgres: 'PostgreSQL 15', stratadb: 'stratadb' };
const PERCENTILES: ReadonlyArray<[keyof Summary & `p${string}Us`, string]> = [
  ['p50Us', 'p50'],
  ['p95Us', 'p95'],
  ['p99Us', 'p99'],
  ['p999Us', 'p99.9'],
];

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attributes}>${escapeXml(content)}</text>`;
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function throughputPanel(summaries: readonly Summary[], workloads: readonly string[], systems: readonly SystemName[], top: number, bottom: number): string[] {
  const out: string[] = [text(PANEL_LEFT, top - 14, 'Throughput, ops/s (median of runs, whiskers: min–max)', 'font-weight="bold"')];
  const yMax = niceMax(Math.max(...summaries.map((s) => s.throughputMaxOpsPerS)) * 1.1);
  const y = (value: number): number => bottom - ((bottom - top) * value) / yMax;
  for (let i = 0; i <= 4; i++) {
    const value = (yMax * i) / 4;
    out.push(`<line x1="${PANEL_LEFT}" x2="${PANEL_RIGHT}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/>`);
    out.push(text(PANEL_LEFT - 8, y(value) + 4, Math.round(value).toLocaleString('en-US'), 'text-anchor="end"'));
  }
  const groupWidth = (PANEL_RIGHT - PANEL_LEFT) / workloads.length;
  const barWidth = Math.min(90, (groupWidth * 0.6) / systems.length);
  workloads.forEach((workload, g) => {
    const groupX = PANEL_LEFT + g * groupWidth + (groupWidth - barWidth * systems.length) / 2;
    out.push(text(PANEL_LEFT + (g + 0.5) * groupWidth, bottom + 20, `workload ${workload}`, 'text-anchor="middle"'));
    systems.forEach((system, b) => {
      const summary = summaries.find((s) => s.workload === workload && s.system === system);
      if (summary === undefined) return;
      const x = groupX + b * barWidth;
      const barTop = y(summary.throughputMedianOpsPerS);
      out.push(`<rect x="${x + 2}" y="${barTop}" width="${barWidth - 4}" height="${bottom - barTop}" fill="${COLOURS[system]}"/>`);
      const centre = x + barWidth / 2;
      const [low, high] = [y(summary.throughputMinOpsPerS), y(summary.throughputMaxOpsPerS)];
      out.push(`<path d="M${centre - 6} ${low}H${centre + 6}M${centre} ${low}V${high}M${centre - 6} ${high}H${centre + 6}" stroke="#222" fill="none"/>`);
      out.push(text(centre, Math.min(barTop, y(summary.throughputMaxOpsPerS)) - 6, summary.throughputMedianOpsPerS.toLocaleString('en-US', { maximumFractionDigits: 1 }), 'text-anchor="middle" font-size="11"'));
    });
  });
  return out;
}

function latencyPanel(summaries: readonly Summary[], workloads: readonly string[], systems: readonly SystemName[], top: number, bottom: number): string[] {
  const out: string[] = [text(PANEL_LEFT, top - 14, 'Latency percentiles, ms (log scale; all runs merged)', 'font-weight="bold"')];
  const values = summaries.flatMap((s) => PERCENTILES.map(([key]) => s[key] / 1000)).filter((v) => v > 0);
  const decadeMin = Math.floor(Math.log10(Math.min(...values, 1)));
  const decadeMax = Math.ceil(Math.log10(Math.max(...values, 1.0001)));
  const y = (valueMs: number): number => bottom - ((bottom - top) * (Math.log10(Math.max(valueMs, 10 ** decadeMin)) - decadeMin)) / (decadeMax - decadeMin);
  for (let decade = decadeMin; decade <= decadeMax; decade++) {
    out.push(`<line x1="${PANEL_LEFT}" x2="${PANEL_RIGHT}" y1="${y(10 ** decade)}" y2="${y(10 ** decade)}" stroke="#ddd"/>`);
    out.push(text(PANEL_LEFT - 8, y(10 ** decade) + 4, String(10 ** decade), 'text-anchor="end"'));
  }
  const groupWidth = (PANEL_RIGHT - PANEL_LEFT) / workloads.length;
  const slotWidth = (groupWidth * 0.85) / PERCENTILES.length;
  const barWidth = slotWidth / (systems.length + 0.5);
  workloads.forEach((workload, g) => {
    const groupX = PANEL_LEFT + g * groupWidth + groupWidth * 0.075;
    out.push(text(PANEL_LEFT + (g + 0.5) * groupWidth, bottom + 34, `workload ${workload}`, 'text-anchor="middle"'));
    PERCENTILES.forEach(([key, label], p) => {
      const slotX = groupX + p * slotWidth;
      out.push(text(slotX + (barWidth * systems.length) / 2, bottom + 16, label, 'text-anchor="middle" font-size="10"'));
      systems.forEach((system, b) => {
        const summary = summaries.find((s) => s.workload === workload && s.system === system);
        if (summary === undefined) return;
        const valueMs = summary[key] / 1000;
        const barTop = y(valueMs);
        out.push(`<rect x="${slotX + b * barWidth}" y="${barTop}" width="${barWidth - 1}" height="${bottom - barTop}" fill="${COLOURS[system]}">` +
          `<title>${escapeXml(`${LABELS[system]} ${workload} ${label}: ${valueMs.toFixed(2)} ms`)}</title></rect>`);
      });
    });
  });
  return out;
}

/** The whole chart as an SVG document; `subtitle` may hold two lines separated by "\n". */
export function svgChart(title: string, subtitle: string, summaries: readonly Summary[]): string {
  const workloads = [...new Set(summaries.map((s) => s.workload))];
  const systems = (['postgres', 'stratadb'] as const).filter((system) => summaries.some((s) => s.system === system));
  const height = 700;
  const legend = systems.map((system, i) => {
    const x = PANEL_RIGHT - 140 * (systems.length - i);
    return `<rect x="${x}" y="80" width="14" height="14" fill="${COLOURS[system]}"/>` + text(x + 20, 92, LABELS[system]);
  });
  const body = [
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    text(PANEL_LEFT, 26, title, 'font-size="16" font-weight="bold"'),
    ...subtitle.split('\n').map((line, i) => text(PANEL_LEFT, 46 + 15 * i, line, 'font-size="11" fill="#555"')),
    ...legend,
    ...throughputPanel(summaries, workloads, systems, 120, 340),
    ...latencyPanel(summaries, workloads, systems, 420, 640),
  ];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
    `font-family="Helvetica, Arial, sans-serif" font-size="12">\n${body.join('\n')}\n</svg>\n`
  );
}
