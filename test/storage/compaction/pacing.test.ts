/**
 * Background writes paced inside a file (issue 9, governor issue 3): compaction and value-log GC
 * outputs draw from the governor chunk by chunk as they are written (Vfs.writeFileSynced's pacer,
 * one call of at most 1 MiB before each chunk), so a big output reaches the disk at the governor's
 * rate instead of in one burst after one wait. The total drawn is the output's length (no double
 * charge, also through a wrapping Vfs that drops the pacer); an unlimited budget never waits; the
 * commit path and flushes never draw; the fault Vfs still fails a whole-file write as one write.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FaultVfs, MemoryVfs, open, StorageIOError, type Vfs } from '../../../src/storage/index.js';
import { writeNewFileSynced } from '../../../src/storage/background-context.js';
import { Governor } from '../../../src/storage/governor.js';
import { PACE_CHUNK_BYTES } from '../../../src/storage/vfs.js';
import { DelegatingVfs } from '../../support/delegating-vfs.js';

const MIB = 1024 * 1024;

/** A wrapping Vfs that does not pass the pacer on (as a third-party Vfs written before it might). */
class PacerDroppingVfs extends DelegatingVfs {
  override writeFileSynced(path: string, data: Uint8Array): Promise<void> {
    return this.inner.writeFileSynced(path, data);
  }
}

function patterned(length: number): Uint8Array {
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = (i * 31 + (i >> 10)) & 0xff;
  return data;
}

/** A governor whose acquire() only records what was drawn (no wait). */
function recordingGovernor(): { governor: Governor; drawn: number[] } {
  const governor = new Governor(Infinity);
  const drawn: number[] = [];
  vi.spyOn(governor, 'acquire').mockImplementation((bytes: number) => {
    drawn.push(bytes);
    return Promise.resolve();
  });
  return { governor, drawn };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('MemoryVfs.writeFileSynced with a pacer', () => {
  it('awaits the pacer before each chunk of at most 1 MiB, before writing it', async () => {
    const vfs = new MemoryVfs();
    vfs.mkdirp('/d');
    const data = patterned(2 * MIB + 12345);
    const calls: Array<{ bytes: number; sizeBefore: number }> = [];
    await vfs.writeFileSynced('/d/000001.sst', data, async (bytes) => {
      calls.push({ bytes, sizeBefore: vfs.fileSize('/d/000001.sst') });
    });
    expect(calls).toEqual([
      { bytes: MIB, sizeBefore: 0 },
      { bytes: MIB, sizeBefore: MIB },
      { bytes: 12345, sizeBefore: 2 * MIB },
    ]);
    expect(Buffer.compare(vfs.openRead('/d/000001.sst').read(0, data.length), data)).toBe(0);
    expect(vfs.crashImage().fileSize('/d/000001.sst'), 'synced once the write resolved').toBe(data.length);
  });

  it('a crash while a paced write waits keeps at most a prefix of the new file', async () => {
    const vfs = new MemoryVfs();
    vfs.mkdirp('/d');
    const data = patterned(3 * MIB);
    const images: MemoryVfs[] = [];
    let call = 0;
    await vfs.writeFileSynced('/d/000002.vgc', data, async () => {
      if (call++ === 2) images.push(vfs.crashImage(() => 0.5), vfs.crashImage());
    });
    const [torn, lost] = images as [MemoryVfs, MemoryVfs];
    expect(lost.fileSize('/d/000002.vgc'), 'nothing synced yet').toBe(0);
    const tornSize = torn.fileSize('/d/000002.vgc');
    expect(tornSize).toBeLessThanOrEqual(2 * MIB);
    expect(Buffer.compare(torn.openRead('/d/000002.vgc').read(0, tornSize), data.subarray(0, tornSize))).toBe(0);
  });
});

describe('writeNewFileSynced draws each output from the governor', () => {
  it('chunk by chunk, the lengths adding up to the file', async () => {
    const { governor, drawn } = recordingGovernor();
    const vfs = new MemoryVfs();
    vfs.mkdirp('/d');
    await writeNewFileSynced(vfs, '/d/000003.sst', patterned(5 * MIB + 7), governor);
    expect(drawn).toEqual([MIB, MIB, MIB, MIB, MIB, 7]);
  });

  it('through a wrapping Vfs that drops the pacer: the whole length once written (never twice)', async () => {
    const { governor, drawn } = recordingGovernor();
    const inner = new MemoryVfs();
    inner.mkdirp('/d');
    await writeNewFileSynced(new PacerDroppingVfs(inner), '/d/000004.sst', patterned(3 * MIB), governor);
    expect(drawn).toEqual([3 * MIB]);
    expect(inner.fileSize('/d/000004.sst')).toBe(3 * MIB);
  });

  it('through the test suites\' DelegatingVfs: paced chunk by chunk (it passes the pacer on)', async () => {
    const { governor, drawn } = recordingGovernor();
    const inner = new MemoryVfs();
    inner.mkdirp('/d');
    await writeNewFileSynced(new DelegatingVfs(inner), '/d/000007.sst', patterned(2 * MIB + 1), governor);
    expect(drawn).toEqual([MIB, MIB, 1]);
    expect(inner.fileSize('/d/000007.sst')).toBe(2 * MIB + 1);
  });

  it('the fault Vfs passes the pacer on and still fails the whole write as one operation', async () => {
    const { governor, drawn } = recordingGovernor();
    const inner = new MemoryVfs();
    inner.mkdirp('/d');
    const vfs = new FaultVfs(inner);
    await writeNewFileSynced(vfs, '/d/000005.sst', patterned(2 * MIB), governor);
    expect(drawn).toEqual([MIB, MIB]);
    expect(vfs.counts).toMatchObject({ write: 1, sync: 1 });
    expect(vfs.bytesWritten).toBe(2 * MIB);
    vfs.inject({ kind: 'write', nth: 1, errno: 'ENOSPC', shortWrite: true });
    await expect(writeNewFileSynced(vfs, '/d/000006.sst', patterned(2 * MIB), governor)).rejects.toBeInstanceOf(StorageIOError);
    expect(inner.fileSize('/d/000006.sst'), 'a short write leaves the first half, as before').toBe(MIB);
    expect(drawn, 'a write that failed at once drew nothing').toEqual([MIB, MIB]);
  });

  /** Starts a paced write of `bytes` into a new memory Vfs under fake timers (setTimeout, performance). */
  function fakeTimedWrite(budgetBytesPerSec: number, bytes: number): { governor: Governor; vfs: MemoryVfs; write: Promise<void>; done: () => boolean } {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const governor = new Governor(budgetBytesPerSec);
    const vfs = new MemoryVfs();
    vfs.mkdirp('/d');
    let resolved = false;
    const write = writeNewFileSynced(vfs, '/d/000007.vgc', patterned(bytes), governor).then(() => {
      resolved = true;
    });
    return { governor, vfs, write, done: () => resolved };
  }

  it('spreads a big output over time at the governor rate (fake timers)', async () => {
    const { governor, vfs, write } = fakeTimedWrite(MIB, 3 * MIB);
    const sizes: number[] = [];
    await vi.advanceTimersByTimeAsync(500);
    for (let step = 0; step < 3; step++) {
      sizes.push(vfs.fileSize('/d/000007.vgc'));
      await vi.advanceTimersByTimeAsync(1000);
    }
    vi.useRealTimers();
    await write;
    expect(sizes, 'at 1 MiB/s each chunk waits for its own second: never the whole file at once').toEqual([0, MIB, 2 * MIB]);
    expect(governor.throttleMs).toBeGreaterThanOrEqual(2900);
  });

  it('never waits with an unlimited budget', async () => {
    const { governor, write, done } = fakeTimedWrite(Infinity, 8 * MIB);
    // Only real turns of the event loop pass (the memory Vfs's sync yields one): no timer fires.
    for (let turn = 0; turn < 50 && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(done()).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(governor.throttleMs).toBe(0);
    await write;
  });
});

describe('paced outputs in the engine', () => {
  it('compaction and GC draw exactly the bytes they write, in chunks of at most 1 MiB; commits and flushes draw nothing', async () => {
    const vfs: Vfs = new MemoryVfs();
    const db = await open('/db', {
      vfs,
      valueThreshold: 100,
      memtableBytesMax: 1024 * 1024,
      vlogSegmentBytesMax: 4 * MIB,
      l0CompactionTrigger: 100,
      l0SlowdownTrigger: 100,
      l0StopTrigger: 200,
      vlogGcThreshold: 0.3,
      flushInWorker: false,
    });
    const governor = db.engine['governor'];
    const acquire = vi.spyOn(governor, 'acquire');
    const value = (i: number, round: number): Uint8Array => Buffer.alloc(i % 2 === 0 ? 2000 : 60, round + 1);
    const key = (i: number): Uint8Array => Buffer.from(`key-${String(i).padStart(6, '0')}`);
    for (let i = 0; i < 6000; i++) await db.put(key(i), value(i, 0));
    await db.flush();
    expect(db.stats().flushes).toBeGreaterThan(1);
    expect(acquire, 'commits and flushes never draw').not.toHaveBeenCalled();
    for (let i = 0; i < 6000; i += 4) await db.put(key(i), value(i, 1));
    await db.compact();
    await db.backgroundIdle();
    const s = db.stats();
    expect(s.compactions).toBeGreaterThan(0);
    expect(s.gcRuns).toBeGreaterThan(0);
    const drawn = acquire.mock.calls.map(([bytes]) => bytes);
    expect(Math.max(...drawn)).toBeLessThanOrEqual(PACE_CHUNK_BYTES);
    expect(s.gcVlogBytesWritten, 'a GC segment of several chunks').toBeGreaterThan(PACE_CHUNK_BYTES);
    expect(drawn.filter((bytes) => bytes === PACE_CHUNK_BYTES).length, 'outputs past 1 MiB were cut into chunks').toBeGreaterThanOrEqual(Math.floor(s.gcVlogBytesWritten / PACE_CHUNK_BYTES));
    expect(sum(drawn)).toBe(s.compactionBytesWritten + s.gcVlogBytesWritten + s.gcTableBytesWritten);
    for (let i = 0; i < 6000; i += 997) expect(Buffer.from(db.get(key(i)) ?? []).equals(Buffer.from(value(i, i % 4 === 0 ? 1 : 0)))).toBe(true);
    await db.close();
  });
});
