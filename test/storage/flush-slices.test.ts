/**
 * Issue 9: a flush must not hold the event loop. serializeEntries() yields after every 256 KiB of
 * entries (a 32 MiB memtable of 1 KiB rows took 40–90 ms turns when it yielded per 16 Ki entries),
 * and its payload is a buffer of its own, so the flush worker gets it transferred, not copied.
 */
import { describe, expect, it } from 'vitest';
import { buildTable, serializeEntries } from '../../src/storage/flush-build.js';
import { KIND_VALUE } from '../../src/storage/internal-key.js';
import { Memtable } from '../../src/storage/memtable.js';

/** A memtable of `count` rows of `valueBytes` bytes each. */
function memtableOf(count: number, valueBytes: number): Memtable {
  const memtable = new Memtable();
  for (let i = 0; i < count; i++) {
    memtable.add(Buffer.from(`user${String(i).padStart(8, '0')}`), i + 1, KIND_VALUE, new Uint8Array(valueBytes).fill(i & 0xff));
  }
  return memtable;
}

describe('flush serialization', () => {
  it('yields to the event loop between slices of 256 KiB and keeps every entry in order', async () => {
    const memtable = memtableOf(4096, 1000);
    let turns = 0;
    let serializing = true;
    const tick = (): void => {
      turns++;
      if (serializing) setImmediate(tick);
    };
    setImmediate(tick);
    const payload = await serializeEntries(memtable.iterator(), memtable.approximateBytes);
    serializing = false;
    // ~4 MiB of entries: at least one turn of the event loop per 256 KiB slice.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(payload.length / (256 * 1024)) - 1);
    const table = buildTable(payload, { blockBytes: 4096, restartInterval: 16, bloomBitsPerKey: 10 });
    expect(table.entries).toBe(4096);
  });

  it('returns a view at the start of a buffer of its own (transferable without a copy when big)', async () => {
    for (const count of [1, 50, 3000]) {
      const memtable = memtableOf(count, 300);
      const payload = await serializeEntries(memtable.iterator(), memtable.approximateBytes);
      expect(payload.byteOffset).toBe(0);
      expect(payload.buffer.byteLength).toBeGreaterThanOrEqual(payload.length);
      // Past a slab of Node's Buffer pool, the flush worker client transfers it whole.
      if (count === 3000) expect(payload.buffer.byteLength).toBeGreaterThan(Buffer.poolSize);
    }
  });
});
