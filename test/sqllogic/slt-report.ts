/**
 * Reporting for the SQLLogicTest runner: per-file lines, the PostgreSQL/stratadb comparison table,
 * totals, and the PostgreSQL baseline file (`postgres-baseline.json`) that stratadb is held to.
 *
 * - File names are paths relative to the corpus root (`test/select1.test`), so a baseline written on
 *   one machine applies on another.
 * - The baseline keeps, per file, the counts and the line numbers of the records PostgreSQL fails:
 *   stratadb must pass every other record (issue 7, acceptance 1 and 2).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { FileResult } from './slt-runner.js';

export interface Totals {
  files: number;
  run: number;
  passed: number;
  failed: number;
  skipped: number;
  wallMs: number;
}

export interface BaselineFile {
  run: number;
  passed: number;
  failed: number;
  skipped: number;
  wallMs: number;
  failedLines: number[];
}

export interface Baseline {
  description: string;
  server: string;
  generatedAt: string;
  totals: Totals;
  files: Record<string, BaselineFile>;
}

export function totalsOf(results: readonly FileResult[]): Totals {
  const totals: Totals = { files: results.length, run: 0, passed: 0, failed: 0, skipped: 0, wallMs: 0 };
  for (const result of results) {
    totals.run += result.run;
    totals.passed += result.passed;
    totals.failed += result.failed;
    totals.skipped += result.skipped;
    totals.wallMs += result.wallMs;
  }
  return totals;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One line per file and target: run/passed/failed/skipped and wall time. */
export function fileLine(target: string, result: FileResult): string {
  const counts = `run ${result.run} passed ${result.passed} failed ${result.failed} skipped ${result.skipped}`;
  return `${target.padEnd(9)} ${result.file.padEnd(48)} ${counts.padEnd(58)} ${seconds(result.wallMs).padStart(8)}`;
}

export function totalsLine(target: string, totals: Totals): string {
  const percent = totals.run === 0 ? 0 : (100 * totals.passed) / totals.run;
  return (
    `${target.padEnd(9)} ${totals.files} files: run ${totals.run}, passed ${totals.passed} (${percent.toFixed(2)} %), ` +
    `failed ${totals.failed}, skipped ${totals.skipped}, wall ${seconds(totals.wallMs)}`
  );
}

function cells(result: FileResult | undefined): string {
  if (result === undefined) return '— | — | — | —';
  return `${result.run} | ${result.passed} | ${result.failed} | ${seconds(result.wallMs)}`;
}

/** A Markdown table comparing PostgreSQL and stratadb file by file. */
export function comparisonTable(postgres: readonly FileResult[], stratadb: readonly FileResult[]): string {
  const byFile = new Map(stratadb.map((result) => [result.file, result]));
  const lines = [
    '| file | PG run | PG passed | PG failed | PG time | strata run | strata passed | strata failed | strata time | Δ passed | time × |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const rows: Array<[FileResult | undefined, FileResult | undefined, string]> = postgres.map((pgResult) => [pgResult, byFile.get(pgResult.file), pgResult.file]);
  for (const [pgResult, strata, file] of rows) {
    const delta = pgResult !== undefined && strata !== undefined ? String(strata.passed - pgResult.passed) : '—';
    const ratio = pgResult !== undefined && strata !== undefined && pgResult.wallMs > 0 ? (strata.wallMs / pgResult.wallMs).toFixed(2) : '—';
    lines.push(`| ${file} | ${cells(pgResult)} | ${cells(strata)} | ${delta} | ${ratio} |`);
  }
  const pgTotals = totalsOf(postgres);
  const strataTotals = totalsOf(stratadb);
  const totalRatio = pgTotals.wallMs > 0 ? (strataTotals.wallMs / pgTotals.wallMs).toFixed(2) : '—';
  lines.push(
    `| **total** | ${pgTotals.run} | ${pgTotals.passed} | ${pgTotals.failed} | ${seconds(pgTotals.wallMs)} | ` +
      `${strataTotals.run} | ${strataTotals.passed} | ${strataTotals.failed} | ${seconds(strataTotals.wallMs)} | ` +
      `${strataTotals.passed - pgTotals.passed} | ${totalRatio} |`,
  );
  return lines.join('\n');
}

/** Records `result` fails that the reference (PostgreSQL) passes: line numbers. */
export function failuresBeyond(result: FileResult, reference: { failedLines: readonly number[] } | undefined): number[] {
  const allowed = new Set(reference?.failedLines ?? []);
  return result.failures.map((failure) => failure.line).filter((line) => !allowed.has(line));
}

export function toBaselineFile(result: FileResult): BaselineFile {
  return {
    run: result.run,
    passed: result.passed,
    failed: result.failed,
    skipped: result.skipped,
    wallMs: Math.round(result.wallMs),
    failedLines: result.failures.map((failure) => failure.line),
  };
}

export function writeBaseline(path: string, server: string, results: readonly FileResult[]): void {
  const files: Record<string, BaselineFile> = {};
  for (const result of results) files[result.file] = toBaselineFile(result);
  const totals = totalsOf(results);
  totals.wallMs = Math.round(totals.wallMs);
  const baseline: Baseline = {
    description: 'PostgreSQL 15 on the SQLLogicTest corpus (one connection, fresh database per file): the bar stratadb must reach per file',
    server,
    generatedAt: new Date().toISOString(),
    totals,
    files,
  };
  writeFileSync(path, `${JSON.stringify(baseline, null, 1)}\n`);
}

export function readBaseline(path: string): Baseline | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as Baseline;
}
