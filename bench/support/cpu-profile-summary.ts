/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`, e.g. `npm run bench:ycsb -- --profile DIR`):
 * the functions and the source files with the most self time, so a benchmark note can say where the
 * server spends its CPU.
 *
 *   tsx bench/support/cpu-profile-summary.ts FILE.cpuprofile [--top 25]
 *
 * - Self time of a node = its hit count × the profile's mean sampling interval; idle time is shown
 *   apart and left out of the percentages.
 * - Paths are shown relative to the repository; node internals keep their `node:` URLs.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

const REPO_ROOT = resolve(import.meta.dirname, '../..');

function location(url: string): string {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  return path.startsWith('/') ? relative(REPO_ROOT, path) : path;
}

function top(totals: Map<string, number>, count: number, totalMs: number): string[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)} %  ${name}`);
}

/** The two tables (by function, by file) as text. */
export function summarizeProfile(profile: CpuProfile, count: number): string {
  const samples = profile.samples?.length ?? profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const intervalMs = samples > 0 ? (profile.endTime - profile.startTime) / 1000 / samples : 0;
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * intervalMs;
    if (ms === 0) continue;
    if (node.callFrame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    totalMs += ms;
    const file = location(node.callFrame.url);
    const name = `${node.callFrame.functionName || '(anonymous)'}  ${file}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  }
  return [
    `profile: ${(totalMs / 1000).toFixed(1)} s busy + ${(idleMs / 1000).toFixed(1)} s idle, sampled every ${(intervalMs * 1000).toFixed(0)} µs`,
    '',
    'self time by function:',
    ...top(byFunction, count, totalMs),
    '',
    'self time by file:',
    ...top(byFile, count, totalMs),
  ].join('\n');
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  if (positionals.length === 0) throw new Error('usage: cpu-profile-summary FILE.cpuprofile [--top N]');
  for (const path of positionals) {
    const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
    console.log(`${path}\n${summarizeProfile(profile, Number(values.top))}\n`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
