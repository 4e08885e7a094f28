/**
 * Issue 3, acceptance 1: the engine-vs-model property run under compaction + value-log GC option
 * sets (tiny tables, tiny levels, tiny segments, low GC thresholds), with snapshots held across
 * compactions and GC — every option set must give the model's answers. SEED=… replays a run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryVfs, type EngineOptions } from '../../../src/storage/index.js';
import { testSeed } from '../storage-helpers.js';
import { runModel } from './model-runner.js';

const OPS = 600;

interface OptionSet {
  readonly name: string;
  readonly options: EngineOptions;
  readonly onDisk?: boolean;
}

const TINY = { memtableBytesMax: 2048, blockBytes: 128, tableBytesTarget: 1024, levelBaseBytes: 2048, levelSizeMultiplier: 2, l0CompactionTrigger: 2 };

const OPTION_SETS: OptionSet[] = [
  { name: 'all values in tiny vlog segments, GC threshold 0.1, inline', options: { ...TINY, valueThreshold: 0, vlogSegmentBytesMax: 4096, vlogGcThreshold: 0.1, flushInWorker: false } },
  { name: 'threshold 64, GC threshold 0.3, worker threads', options: { ...TINY, valueThreshold: 64, vlogSegmentBytesMax: 4096, vlogGcThreshold: 0.3 } },
  { name: 'values in the LSM, L0 trigger 1, no bloom', options: { ...TINY, valueThreshold: Infinity, l0CompactionTrigger: 1, bloomBitsPerKey: 0, flushInWorker: false } },
  { name: 'stalls: slowdown 2, stop 3, GC threshold 0.5', options: { ...TINY, valueThreshold: 10, vlogSegmentBytesMax: 4096, l0SlowdownTrigger: 2, l0StopTrigger: 3, flushInWorker: false } },
  { name: 'on disk, worker threads, tiny segments', options: { ...TINY, valueThreshold: 32, vlogSegmentBytesMax: 4096, vlogGcThreshold: 0.2 }, onDisk: true },
];

describe('engine vs Map model with compaction and value-log GC', () => {
  const seed = testSeed('compaction-property');
  for (const [i, set] of OPTION_SETS.entries()) {
    it(set.name, async () => {
      const dir = set.onDisk === true ? mkdtempSync(join(tmpdir(), 'strata-cprop-')) : '/db';
      const options = set.onDisk === true ? set.options : { ...set.options, vfs: new MemoryVfs() };
      try {
        const totals = await runModel(dir, options, seed + i, OPS);
        expect(totals.compactions, 'compactions ran').toBeGreaterThan(0);
        if (set.options.valueThreshold !== Infinity) expect(totals.gcRuns, 'value-log GC ran').toBeGreaterThan(0);
      } finally {
        if (set.onDisk === true) rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
