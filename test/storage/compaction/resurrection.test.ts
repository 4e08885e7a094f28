/**
 * Issue 3, acceptance 3 (resurrection): keys whose old values sit in a value-log segment that GC
 * then rewrites are overwritten or deleted, and their tombstones are compacted away at the bottom
 * level — no old value ever reappears (through get, scan or a reopen), while a snapshot held
 * across the compactions and GC keeps reading exactly the old values until it is released.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVfs, open, type Db } from '../../../src/storage/index.js';
import { enc } from '../storage-helpers.js';

const KEYS = 150;
const OPTIONS = {
  valueThreshold: 0,
  vlogSegmentBytesMax: 8192,
  vlogGcThreshold: 0.1,
  memtableBytesMax: 4096,
  tableBytesTarget: 2048,
  levelBaseBytes: 4096,
  l0CompactionTrigger: 2,
  flushInWorker: false,
};

const keyOf = (i: number): Uint8Array => enc(`key-${String(i).padStart(4, '0')}`);
const valueOf = (i: number, generation: number): Uint8Array => enc(`${generation}:${i}:`.padEnd(200, 'v'));

/** Keys < 50 are overwritten (generation 2), 50..99 deleted, 100.. untouched (generation 1). */
function expected(i: number): Uint8Array | undefined {
  if (i < 50) return valueOf(i, 2);
  if (i < 100) return undefined;
  return valueOf(i, 1);
}

async function checkCurrent(db: Db, where: string): Promise<void> {
  for (let i = 0; i < KEYS; i++) {
    const got = db.get(keyOf(i));
    const want = expected(i);
    expect(got === undefined ? undefined : Buffer.from(got).toString(), `${where} key ${i}`).toBe(want === undefined ? undefined : Buffer.from(want).toString());
  }
  const scanned: string[] = [];
  for await (const entry of db.scan({ lt: keyOf(KEYS) })) scanned.push(Buffer.from(entry.value).toString());
  const wanted = Array.from({ length: KEYS }, (_, i) => expected(i)).filter((v) => v !== undefined).map((v) => Buffer.from(v).toString());
  expect(scanned, `${where} scan`).toEqual(wanted);
}

function vlogFiles(vfs: MemoryVfs): string[] {
  return vfs.list('/db').filter((name) => name.endsWith('.vlog') || name.endsWith('.vgc')).sort();
}

describe('value-log GC never resurrects a deleted or overwritten key', () => {
  it('overwrite + delete, snapshot held across GC, tombstones compacted away, reopen', async () => {
    const vfs = new MemoryVfs();
    let db = await open('/db', { ...OPTIONS, vfs });
    for (let i = 0; i < KEYS; i++) await db.put(keyOf(i), valueOf(i, 1));
    await db.flush();
    // Every segment but the active one (which keeps taking values) holds only generation 1.
    const firstSegments = vlogFiles(vfs).slice(0, -1);
    const snapshot = db.snapshot();
    for (let i = 0; i < 50; i++) await db.put(keyOf(i), valueOf(i, 2));
    for (let i = 50; i < 100; i++) await db.delete(keyOf(i));
    await db.compact();
    for (let i = 0; i < KEYS; i++) {
      expect(Buffer.from(snapshot.get(keyOf(i)) ?? []).toString(), `snapshot key ${i} across compaction + GC`).toBe(Buffer.from(valueOf(i, 1)).toString());
    }
    await checkCurrent(db, 'with snapshot held');
    snapshot.release();
    await db.compact();
    const stats = db.stats();
    expect(stats.gcRuns, 'GC rewrote segments').toBeGreaterThan(0);
    expect(stats.compactionEntriesDropped, 'shadowed versions and tombstones dropped').toBeGreaterThanOrEqual(100);
    const left = vlogFiles(vfs);
    expect(left.filter((name) => firstSegments.includes(name)), 'the first generation segments are gone').toEqual([]);
    await checkCurrent(db, 'after GC');
    await db.close();
    db = await open('/db', { ...OPTIONS, vfs });
    await checkCurrent(db, 'after reopen');
    for (let i = 150; i < 300; i++) await db.put(keyOf(i + 1000), valueOf(i, 3));
    await db.compact();
    await checkCurrent(db, 'after more writes and GC');
    await db.close();
    db = await open('/db', { ...OPTIONS, vfs: vfs.crashImage() });
    await checkCurrent(db, 'after a crash image');
    await db.close();
  });
});
