/**
 * Acceptance 3: a child process commits and reports each acknowledgement; the parent kills it with
 * SIGKILL at random moments (after a seeded random number of acks, sometimes right after open),
 * 20+ times; after each kill the database reopens with every acknowledged write present.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open } from '../../src/storage/index.js';
import { killTestValue } from './fixtures/kill-values.js';
import { prng, randomInt, testSeed } from './storage-helpers.js';

const ROUNDS = 22;
const ROOT = join(import.meta.dirname, '..', '..');
let childScript = '';
let bundleDir = '';

/**
 * Compiles the child and the flush and compaction workers to plain JS (esbuild, which tsx ships with), so each
 * child starts in plain node without a TypeScript loader: "node on compiled code".
 */
async function bundleChild(): Promise<void> {
  bundleDir = mkdtempSync(join(tmpdir(), 'strata-kill-bundle-'));
  await build({
    entryPoints: [
      { in: join(ROOT, 'test/storage/fixtures/kill-child.ts'), out: 'kill-child' },
      { in: join(ROOT, 'src/storage/flush-worker.ts'), out: 'flush-worker' },
      { in: join(ROOT, 'src/storage/compaction-worker.ts'), out: 'compaction-worker' },
    ],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outdir: bundleDir,
    logLevel: 'error',
  });
  writeFileSync(join(bundleDir, 'package.json'), '{"type":"module"}');
  childScript = join(bundleDir, 'kill-child.js');
}

/** Runs one child until it has reported `acksWanted` acks, then SIGKILLs it; returns the acked names. */
function runChild(dir: string, round: number, acksWanted: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, dir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (killed) return;
      if (line.startsWith('ack ')) acked.push(...line.slice(4).split(' '));
      if ((line === 'ready' && acksWanted === 0) || (acksWanted > 0 && acked.length >= acksWanted)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('kill -9 loses no acknowledged write', () => {
  const seed = testSeed('engine-kill');
  beforeAll(bundleChild);
  afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));
  it(`survives ${ROUNDS} SIGKILLs`, async () => {
    const random = prng(seed);
    const dir = mkdtempSync(join(tmpdir(), 'strata-kill-'));
    const everAcked: string[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const acksWanted = round % 7 === 3 ? 0 : 1 + randomInt(random, 600);
        everAcked.push(...(await runChild(dir, round, acksWanted)));
        const db = await open(dir, { memtableBytesMax: 16 * 1024, valueThreshold: 64 });
        try {
          for (const name of everAcked) {
            const got = db.get(Buffer.from(name));
            expect(got === undefined ? 'missing' : Buffer.from(got).toString(), `seed ${seed} round ${round} ${name}`).toBe(Buffer.from(killTestValue(name)).toString());
          }
          const batchParts = new Map<string, number>();
          for await (const { key } of db.scan()) {
            const name = Buffer.from(key).toString();
            const match = /^(.*)-b[012]$/.exec(name);
            if (match !== null) batchParts.set(match[1] as string, (batchParts.get(match[1] as string) ?? 0) + 1);
          }
          for (const [batch, parts] of batchParts) expect(parts, `seed ${seed} round ${round}: batch ${batch} half-applied`).toBe(3);
        } finally {
          await db.close();
        }
      }
      expect(everAcked.length).toBeGreaterThan(ROUNDS * 10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
