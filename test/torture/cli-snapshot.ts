/**
 * A compiled snapshot of `src/` (esbuild, file by file, no bundling) in a temporary directory,
 * so that a long torture run restarts the same server code every cycle: other engineers editing
 * `src/` mid-run cannot break a restart, and no restart pays tsx's transform.
 *
 * - Layout mirrors the repository (`<dir>/src/**.js`, worker files included, so the engine's
 *   workers resolve as in `dist/`); `<dir>/node_modules` links to the repository's, and
 *   `<dir>/package.json` is the repository's (ESM).
 * - Throws (with esbuild's message) when a source file does not compile at snapshot time.
 */
import { cpSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../support/stratadb.js';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Compiles src/ into `dir`; returns the node arguments that run its CLI. */
export async function snapshotCli(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: sources(join(REPO_ROOT, 'src')),
    outdir: join(dir, 'src'),
    outbase: join(REPO_ROOT, 'src'),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'silent',
  });
  cpSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return [join(dir, relative(REPO_ROOT, join(REPO_ROOT, 'src', 'cli.js')))];
}
