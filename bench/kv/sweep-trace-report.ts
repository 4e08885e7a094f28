/**
 * The report of bench/kv/sweep-trace.ts: percentiles of a mode's reads and the explanation of the
 * slow ones (> factor × p50) by phase, block-cache misses, first read of a turn, GC, scheduling,
 * the callbacks that ran before them and the engine events logged since the previous read.
 */
import type { PerformanceEntry } from 'node:perf_hooks';

/** One timed read and what was seen around it (µs unless named otherwise). */
export interface Read {
  startMs: number;
  us: number;
  tableUs: number;
  tablePreadUs: number;
  vlogUs: number;
  vlogPreadUs: number;
  misses: number;
  first: boolean;
  switched: boolean;
  /** Callbacks run since the previous read, and the longest one (µs). */
  callbacks: string;
  longestCallbackUs: number;
  events: string;
}

/** What the tracer gathered besides the reads (the flags say which parts were traced). */
export interface TraceContext {
  readonly factor: number;
  readonly sched: boolean;
  readonly hooks: boolean;
  readonly subphases: boolean;
  readonly gcEntries: readonly PerformanceEntry[];
  /** Sums (ms) of TableReader.get's sub-phases over first and later reads, with their counts. */
  readonly subFirst: SubPhases;
  readonly subLater: SubPhases;
  /** Reads by "N probes, M misses". */
  readonly probeCounts: Map<string, number>;
}

export interface SubPhases {
  bloom: number;
  fence: number;
  block: number;
  seek: number;
  n: number;
}

export const sorted = (xs: readonly number[]): Float64Array => Float64Array.from(xs).sort();
export const at = (xs: Float64Array, q: number): number => xs[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;
const mean = (rs: readonly Read[], f: (r: Read) => number): string => (rs.reduce((s, r) => s + f(r), 0) / Math.max(1, rs.length)).toFixed(1);
const pct = (n: number, of: number): string => `${n} (${((100 * n) / Math.max(1, of)).toFixed(0)}%)`;

export const row = (name: string, rs: readonly Read[]): void =>
  console.log(
    `  ${name.padEnd(16)} n=${String(rs.length).padStart(6)} total ${mean(rs, (r) => r.us).padStart(6)} | table ${mean(rs, (r) => r.tableUs - r.tablePreadUs).padStart(5)} + pread ${mean(rs, (r) => r.tablePreadUs).padStart(5)} | vlog ${mean(rs, (r) => r.vlogUs - r.vlogPreadUs).padStart(5)} + pread ${mean(rs, (r) => r.vlogPreadUs).padStart(5)} | other ${mean(rs, (r) => r.us - r.tableUs - r.vlogUs).padStart(5)} | misses ${mean(rs, (r) => r.misses)}`,
  );

export function report(mode: string, reads: readonly Read[], context: TraceContext): void {
  const { factor: FACTOR, sched: SCHED, hooks: HOOKS, subphases: SUBPHASES, gcEntries, subFirst, subLater, probeCounts } = context;
  const all = sorted(reads.map((r) => r.us));
  const p50 = at(all, 0.5);
  const gcOverlap = (r: Read): boolean => gcEntries.some((g) => g.startTime < r.startMs + r.us / 1000 && g.startTime + g.duration > r.startMs);
  const slow = reads.filter((r) => r.us > FACTOR * p50);
  const normal = reads.filter((r) => r.us <= FACTOR * p50);
  console.log(`\n== ${mode}: ${reads.length} reads, p50 ${p50.toFixed(1)} µs, p99 ${at(all, 0.99).toFixed(1)} µs (p99/p50 ${(at(all, 0.99) / p50).toFixed(2)}), p99.9 ${at(all, 0.999).toFixed(1)} µs`);
  const hits = sorted(reads.filter((r) => r.misses === 0).map((r) => r.us));
  const miss1 = sorted(reads.filter((r) => r.misses === 1).map((r) => r.us));
  console.log(`  block-cache hit reads ${pct(hits.length, reads.length)}: p50 ${at(hits, 0.5).toFixed(1)} p99 ${at(hits, 0.99).toFixed(1)}; miss reads: p50 ${at(miss1, 0.5).toFixed(1)} p99 ${at(miss1, 0.99).toFixed(1)}`);
  for (let m = 0; m <= 3; m++) {
    const rs = reads.filter((r) => (m === 3 ? r.misses >= 3 : r.misses === m));
    const xs = sorted(rs.map((r) => r.us));
    console.log(`  ${m}${m === 3 ? '+' : ''} misses: ${pct(rs.length, reads.length)} p50 ${at(xs, 0.5).toFixed(1)} p99 ${at(xs, 0.99).toFixed(1)}; of the slow reads ${pct(slow.filter((r) => (m === 3 ? r.misses >= 3 : r.misses === m)).length, slow.length)}`);
  }
  if (SCHED) {
    const still = sorted(reads.filter((r) => !r.switched).map((r) => r.us));
    console.log(`  reads that stayed on the CPU: p50 ${at(still, 0.5).toFixed(1)} p99 ${at(still, 0.99).toFixed(1)} (p99/p50 ${(at(still, 0.99) / at(still, 0.5)).toFixed(2)}); switched ${pct(reads.length - still.length, reads.length)}`);
  }
  const firsts = sorted(reads.filter((r) => r.first).map((r) => r.us));
  const others = sorted(reads.filter((r) => !r.first).map((r) => r.us));
  console.log(`  first read of a turn/batch ${pct(firsts.length, reads.length)}: p50 ${at(firsts, 0.5).toFixed(1)} p99 ${at(firsts, 0.99).toFixed(1)}; others p50 ${at(others, 0.5).toFixed(1)} p99 ${at(others, 0.99).toFixed(1)}`);
  console.log(`  slow (> ${FACTOR}× p50): ${pct(slow.length, reads.length)}; first ${pct(slow.filter((r) => r.first).length, slow.length)}, GC overlap ${pct(slow.filter(gcOverlap).length, slow.length)}, switched ${pct(slow.filter((r) => r.switched).length, slow.length)}, miss ${pct(slow.filter((r) => r.misses > 0).length, slow.length)}`);
  row('normal', normal);
  row('slow', slow);
  row('slow, not first', slow.filter((r) => !r.first));
  row('slow, first', slow.filter((r) => r.first));
  row('normal, first', normal.filter((r) => r.first));
  if (HOOKS) {
    const counts = new Map<string, number>();
    for (const r of slow.filter((x) => x.first)) for (const c of r.callbacks.split(' ')) counts.set(c.split(':')[0] ?? '', (counts.get(c.split(':')[0] ?? '') ?? 0) + 1);
    const groups = new Map<string, number[]>();
    for (const r of reads.filter((x) => x.first)) {
      const kinds = [...new Set(r.callbacks.split(' ').map((c) => c.split(':')[0] ?? '').filter((c) => c !== '' && c !== 'Immediate' && c !== 'Microtask' && c !== 'TickObject'))].sort().join('+') || '(none)';
      const list = groups.get(kinds) ?? [];
      list.push(r.us);
      groups.set(kinds, list);
    }
    for (const [kinds, list] of groups) {
      const xs = sorted(list);
      if (xs.length >= 20) console.log(`  first reads after ${kinds}: n ${xs.length} p50 ${at(xs, 0.5).toFixed(1)} p90 ${at(xs, 0.9).toFixed(1)} p99 ${at(xs, 0.99).toFixed(1)}`);
    }
    console.log(`  callbacks before slow first reads: ${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}; longest callback before slow reads mean ${mean(slow, (r) => r.longestCallbackUs)} µs, before normal reads ${mean(normal, (r) => r.longestCallbackUs)} µs`);
  }
  if (SUBPHASES) {
    for (const [name, x] of [['first', subFirst], ['later', subLater]] as const) {
      const f = (ms: number): string => ((1000 * ms) / Math.max(1, x.n)).toFixed(2);
      console.log(`  ${name} reads' table sub-phases (mean µs): bloom ${f(x.bloom)}, fence search ${f(x.fence)}, block fetch ${f(x.block)} (of it pread in the table phase), seek ${f(x.seek)}`);
    }
  }
  console.log(`  reads by tables probed: ${[...probeCounts].sort().map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  probeCounts.clear();
  const withEvents = slow.filter((r) => r.events !== '');
  console.log(`  slow reads right after an engine log event: ${pct(withEvents.length, slow.length)} (all reads: ${pct(reads.filter((r) => r.events !== '').length, reads.length)})`);
  const worst = [...reads].sort((a, b) => b.us - a.us).slice(0, 8);
  for (const r of worst) console.log(`   worst ${r.us.toFixed(0)} µs: table ${r.tableUs.toFixed(0)} (pread ${r.tablePreadUs.toFixed(0)}), vlog ${r.vlogUs.toFixed(0)} (pread ${r.vlogPreadUs.toFixed(0)}), misses ${r.misses}, first ${r.first}, gc ${gcOverlap(r)}, switched ${r.switched}; ${r.callbacks.slice(0, 160)} ${r.events}`);
}

