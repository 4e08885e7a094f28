/**
 * Issue 3, acceptance 4 (space): write a data set, overwrite all of it 5 times, wait for the
 * background work to settle — with no manual compaction or GC call, disk use is at most 1.5×
 * the live data.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVfs, open } from '../../../src/storage/index.js';
import { prng, randomInt, testSeed } from '../storage-helpers.js';

const KEYS = 1500;
const VALUE_BYTES = 512;
const KEY_BYTES = 16;
const ROUNDS = 6;
const BATCH = 10;

function diskBytes(vfs: MemoryVfs): number {
  let total = 0;
  for (const name of vfs.list('/db')) {
    if (name === 'LOCK') continue;
    const file = vfs.openRead(`/db/${name}`);
    total += file.size();
    file.close();
  }
  return total;
}

describe('space amplification without manual calls', () => {
  it(`overwrite ${ROUNDS - 1}×, settle: disk <= 1.5 × live`, async () => {
    const random = prng(testSeed('space'));
    const vfs = new MemoryVfs();
    const db = await open('/db', {
      vfs,
      valueThreshold: 64,
      memtableBytesMax: 8 * 1024,
      vlogSegmentBytesMax: 16 * 1024,
      commitLogSegmentBytesMax: 16 * 1024,
      levelBaseBytes: 16 * 1024,
      tableBytesTarget: 8 * 1024,
      flushInWorker: false,
    });
    const value = new Uint8Array(VALUE_BYTES);
    for (let round = 0; round < ROUNDS; round++) {
      const order = Array.from({ length: KEYS }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = randomInt(random, i + 1);
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      for (let start = 0; start < KEYS; start += BATCH) {
        const ops = order.slice(start, start + BATCH).map((k) => {
          value.fill((round * 7 + k) & 0xff);
          return { type: 'put' as const, key: Buffer.from(String(k).padStart(KEY_BYTES, '0')), value: value.slice() };
        });
        await db.batch(ops);
      }
    }
    await db.backgroundIdle();
    const live = KEYS * (KEY_BYTES + VALUE_BYTES);
    const disk = diskBytes(vfs);
    if (process.env.SPACE_DEBUG !== undefined) {
      for (const name of vfs.list('/db').sort()) {
        const file = vfs.openRead(`/db/${name}`);
        console.log(name, file.size());
        file.close();
      }
      console.log(JSON.stringify(db.stats()));
    }
    const stats = db.stats();
    console.log(`[space] live ${live} B, disk ${disk} B (${(disk / live).toFixed(2)}×), gc runs ${stats.gcRuns}, compactions ${stats.compactions}, write amp ${stats.writeAmplification.toFixed(2)}`);
    expect(stats.gcRuns).toBeGreaterThan(0);
    expect(disk / live).toBeLessThanOrEqual(1.5);
    const first = db.get(Buffer.from('0'.padStart(KEY_BYTES, '0')));
    expect(first?.[0]).toBe(((ROUNDS - 1) * 7) & 0xff);
    await db.close();
  });
});
