/**
 * Accounting in stats() (issue 3): user bytes vs disk bytes per component, write and space
 * amplification, per-level counts and sizes, compaction / GC counters, and counted stalls.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVfs, open } from '../../../src/storage/index.js';

const key = (i: number): Uint8Array => Buffer.from(`key-${String(i).padStart(5, '0')}`);

describe('engine stats accounting', () => {
  it('per-component bytes add up; levels, compactions, GC and stalls are counted', async () => {
    const warnings: string[] = [];
    const db = await open('/db', {
      vfs: new MemoryVfs(),
      valueThreshold: 100,
      memtableBytesMax: 4096,
      vlogSegmentBytesMax: 8192,
      tableBytesTarget: 2048,
      levelBaseBytes: 4096,
      l0CompactionTrigger: 1,
      l0SlowdownTrigger: 1,
      l0StopTrigger: 2,
      vlogGcThreshold: 0.3,
      flushInWorker: false,
      logger: { warn: (_fields, message) => warnings.push(message) },
    });
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 100; i++) await db.put(key(i), Buffer.alloc(i % 2 === 0 ? 300 : 20, round));
    }
    await db.backgroundIdle();
    const s = db.stats();
    expect(s.userBytesWritten).toBe(400 * 9 + 200 * 300 + 200 * 20);
    expect(s.diskBytesWritten).toBe(s.commitLogBytesWritten + s.commitLogZeroBytesWritten + s.vlogBytesWritten + s.vlogZeroBytesWritten + s.gcVlogBytesWritten + s.tableBytesWritten + s.manifestBytesWritten);
    expect(s.tableBytesWritten).toBe(s.flushBytesWritten + s.compactionBytesWritten + s.gcTableBytesWritten);
    expect(s.writeAmplification).toBeCloseTo(s.diskBytesWritten / s.userBytesWritten, 10);
    expect(s.levels.reduce((n, level) => n + level.tables, 0)).toBe(s.tables);
    expect(s.levels.reduce((n, level) => n + level.bytes, 0)).toBe(s.tableBytes);
    expect(s.compactions + s.trivialMoves).toBeGreaterThan(0);
    expect(s.compactionMs).toBeGreaterThan(0);
    expect(s.discardBytes).toBeGreaterThan(0);
    expect(s.gcRuns).toBeGreaterThan(0);
    expect(s.gcBytesReclaimed).toBeGreaterThan(0);
    expect(s.l0SlowdownStalls + s.l0StopStalls).toBeGreaterThan(0);
    expect(s.l0StopStalls).toBe(warnings.filter((w) => w.startsWith('write stall: L0')).length);
    expect(s.onDiskBytes).toBeGreaterThan(0);
    expect(s.spaceAmplification).toBeGreaterThan(0);
    await db.close();
  });
});
