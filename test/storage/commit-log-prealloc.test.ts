/**
 * Issue 9: the commit log keeps a zero-filled, durable region ahead of its log end
 * (log-preallocator.ts), so a group's fdatasync flushes data only.
 * - Records go at the log end; the region ahead is extended off the commit path and stays ahead.
 * - A rotation cuts the segment it leaves to its log end; so does the cut-back of a failed append.
 * - The new segment's directory entry and first region are made durable off the commit path; the
 *   first sync() in the segment waits for the entry, and a failed directory sync is sticky.
 * - No space for the zeros: counted, and the log goes on appending past the end; a failed fill
 *   write (EIO) or fill fsync fails the log's later appends and syncs (sticky).
 * - The torn-tail rule of a preallocated last file: a torn record followed by zeros is a tear, also
 *   when its pages were kept out of order; a damaged record followed by a valid one is corruption.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommitLog, commitLogName } from '../../src/storage/commit-log.js';
import { decodeCommitPayload, encodeCommitGroup } from '../../src/storage/commit-group.js';
import { encodeCommitRecord } from '../../src/storage/commit-record.js';
import { FILL_CHUNK_MIN_BYTES } from '../../src/storage/log-preallocator.js';
import { encodeLogRecord, encodeLogRecords, readLogRecords, type TornTailRule } from '../../src/storage/log-record.js';
import { CorruptionError, Engine, FaultVfs, MemoryVfs, NodeVfs, StorageIOError, type FaultRule, type Vfs } from '../../src/storage/index.js';
import { enc } from './storage-helpers.js';

const DIR = '/db';

function setup(): { mem: MemoryVfs; vfs: FaultVfs; log: CommitLog } {
  const mem = new MemoryVfs();
  const vfs = new FaultVfs(mem);
  vfs.mkdirp(DIR);
  let next = 1;
  return { mem, vfs, log: new CommitLog(vfs, DIR, () => next++) };
}

/** One group of one commit at `ts` whose record is about `bytes` long. */
function group(ts: number, bytes = 100): Uint8Array[] {
  return [encodeCommitRecord(ts, [{ key: enc(`k${ts}`), kind: 1, value: new Uint8Array(bytes).fill(ts & 0xff) }])];
}

/** The commit timestamps in segment `segment` of `mem` as recovery reads them. */
function replayed(mem: MemoryVfs, segment: number, isLast = true): { ts: number[]; torn: boolean; size: number } {
  const file = mem.openRead(`${DIR}/${commitLogName(segment)}`);
  const ts: number[] = [];
  const onRecord = (payload: Uint8Array): void => {
    for (const record of decodeCommitPayload(payload, 'x.log', 0)) ts.push(record.commitTs);
  };
  const { torn } = readLogRecords(file.read(0, file.size()), 'x.log', isLast, onRecord, 'preallocated');
  return { ts, torn, size: file.size() };
}

/**
 * A dry run of groups of 2000-byte records after a rotation: the number (counted from then on) of
 * the first operation of `kind` made by a fill rather than by a group (one write and one sync each).
 */
async function firstFillOperation(kind: 'write' | 'sync'): Promise<number> {
  const { vfs, log } = setup();
  await log.rotate();
  const before = vfs.counts[kind];
  for (let ts = 1; ts <= 60; ts++) {
    const at = vfs.counts[kind];
    log.append(group(ts, 2000));
    await log.sync();
    await settle();
    if (vfs.counts[kind] - at > 1) {
      log.close();
      // The fill starts inside append(): its write follows the group's write, and its sync
      // precedes the group's sync.
      return kind === 'write' ? at - before + 2 : at - before + 1;
    }
  }
  throw new Error('no fill in the dry run');
}

/** Lets a fill (one zero write, then a sync) run to completion. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('commit log preallocation', () => {
  it('a new segment starts with a zero-filled region, durable off the commit path; records go at the log end', async () => {
    const { mem, log } = setup();
    const segment = await log.rotate();
    expect(mem.fileSize(`${DIR}/${commitLogName(segment)}`)).toBe(FILL_CHUNK_MIN_BYTES);
    await settle();
    expect(log.preallocatedBytes).toBe(FILL_CHUNK_MIN_BYTES);
    for (let ts = 1; ts <= 3; ts++) {
      log.append(group(ts));
      await log.sync();
    }
    expect(mem.fileSize(`${DIR}/${commitLogName(segment)}`)).toBe(FILL_CHUNK_MIN_BYTES);
    expect(replayed(mem, segment)).toEqual({ ts: [1, 2, 3], torn: true, size: FILL_CHUNK_MIN_BYTES });
    // A power loss keeps the synced records and the zeros after them.
    const image = mem.crashImage();
    expect(replayed(image, segment).ts).toEqual([1, 2, 3]);
    log.close();
  });

  it('keeps the zeros ahead of the log end as the segment grows, durable between groups', async () => {
    const { mem, log } = setup();
    const segment = await log.rotate();
    let minAheadBytes = Infinity;
    for (let ts = 1; ts <= 400; ts++) {
      log.append(group(ts, 2000));
      await log.sync();
      await settle();
      minAheadBytes = Math.min(minAheadBytes, log.preallocatedBytes);
    }
    expect(log.activeBytes).toBeGreaterThan(700_000);
    expect(minAheadBytes).toBeGreaterThanOrEqual(FILL_CHUNK_MIN_BYTES / 2 - 2100);
    expect(mem.fileSize(`${DIR}/${commitLogName(segment)}`)).toBeGreaterThan(log.activeBytes);
    expect(log.preallocStats.zeroBytes).toBe(mem.fileSize(`${DIR}/${commitLogName(segment)}`));
    expect(replayed(mem.crashImage(), segment).ts.length).toBe(400);
    log.close();
  });

  it('a rotation cuts the segment it leaves to its log end, durably', async () => {
    const { mem, log } = setup();
    const first = await log.rotate();
    log.append(group(1));
    await log.sync();
    const end = log.activeBytes;
    const second = await log.rotate();
    const image = mem.crashImage();
    expect(image.fileSize(`${DIR}/${commitLogName(first)}`)).toBe(end);
    expect(replayed(image, first, false)).toEqual({ ts: [1], torn: false, size: end });
    expect(replayed(image, second).ts).toEqual([]);
    log.close();
  });

  it('the cut-back of a failed append truncates to the log end; the next record follows whole records', async () => {
    const { mem, vfs, log } = setup();
    const segment = await log.rotate();
    log.append(group(1));
    await log.sync();
    vfs.inject({ kind: 'write', nth: 1, errno: 'ENOSPC', shortWrite: true, pathIncludes: '.log' });
    expect(() => log.append(group(2, 3000))).toThrow(StorageIOError);
    await log.cutBack();
    expect(mem.fileSize(`${DIR}/${commitLogName(segment)}`)).toBe(log.activeBytes);
    log.append(group(3));
    await log.sync();
    expect(replayed(mem.crashImage(), segment).ts).toEqual([1, 3]);
    log.close();
  });

  it('no space for the zeros: counted, the log appends past the end, the rotation cuts the half-written zeros', async () => {
    const { mem, vfs, log } = setup();
    const first = await log.rotate();
    // The first fill write after the segment's first region fails, after writing half its zeros.
    vfs.inject({ kind: 'write', nth: await firstFillOperation('write'), errno: 'ENOSPC', shortWrite: true });
    for (let ts = 1; ts <= 60; ts++) {
      log.append(group(ts, 2000));
      await log.sync();
      await settle();
    }
    expect(vfs.injected).toBe(1);
    expect(log.preallocStats.spaceFailures).toBe(1);
    expect(log.preallocatedBytes).toBe(0);
    expect(replayed(mem.crashImage(), first).ts.length).toBe(60);
    const end = log.activeBytes;
    await log.rotate();
    expect(mem.fileSize(`${DIR}/${commitLogName(first)}`)).toBe(end);
    log.close();
  });

  for (const kind of ['write', 'sync'] as const) {
    it(`a failed fill (${kind} EIO) fails later appends and syncs`, async () => {
      const rule: FaultRule = { kind, nth: await firstFillOperation(kind), errno: 'EIO' };
      const { vfs, log } = setup();
      await log.rotate();
      vfs.inject(rule);
      let failure: unknown;
      for (let ts = 1; ts <= 60 && failure === undefined; ts++) {
        try {
          log.append(group(ts, 2000));
          await log.sync();
          await settle();
        } catch (error) {
          failure = error;
        }
      }
      expect(vfs.injected).toBe(1);
      expect(failure).toBeInstanceOf(StorageIOError);
      expect((failure as StorageIOError).errno).toBe('EIO');
      expect(() => log.append(group(99))).toThrow(StorageIOError);
      await expect(log.sync()).rejects.toBeInstanceOf(StorageIOError);
      log.close();
    });
  }
});

/** `mem` whose directory syncs wait for `gate` (then fail with `failure` when one is set). */
function gatedDirSyncVfs(mem: MemoryVfs, gate: Promise<void>, failure?: Error): Vfs {
  return new Proxy(mem, {
    get(target, prop): unknown {
      if (prop === 'syncDir') {
        return async (dir: string): Promise<void> => {
          await gate;
          if (failure !== undefined) throw failure;
          await target.syncDir(dir);
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('directory entry of a new segment (issue 9: made durable off the commit path)', () => {
  it('rotate() does not wait for it; the first sync() in the segment does', async () => {
    let open = (): void => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const mem = new MemoryVfs();
    mem.mkdirp(DIR);
    let next = 1;
    const log = new CommitLog(gatedDirSyncVfs(mem, gate), DIR, () => next++);
    await log.rotate();
    log.append(group(1));
    let synced = false;
    const sync = log.sync().then(() => (synced = true));
    await settle();
    expect(synced).toBe(false);
    open();
    await sync;
    expect(synced).toBe(true);
    log.close();
  });

  it('a failed directory sync fails the sync of the segment and every later one (sticky)', async () => {
    const mem = new MemoryVfs();
    mem.mkdirp(DIR);
    let next = 1;
    const log = new CommitLog(gatedDirSyncVfs(mem, Promise.resolve(), new StorageIOError('fsync', DIR, new Error('EIO'))), DIR, () => next++);
    await log.rotate();
    log.append(group(1));
    await expect(log.sync()).rejects.toBeInstanceOf(StorageIOError);
    log.append(group(2));
    await expect(log.sync()).rejects.toBeInstanceOf(StorageIOError);
    await expect(log.rotate()).rejects.toBeInstanceOf(StorageIOError);
    log.close();
  });
});

describe('commit log preallocation on node:fs', () => {
  it('positional writes into the zero-filled region; the rotated-out segment is cut to its log end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-prealloc-'));
    try {
      let next = 1;
      const log = new CommitLog(new NodeVfs(), dir, () => next++);
      const first = await log.rotate();
      const path = join(dir, commitLogName(first));
      expect(statSync(path).size).toBe(FILL_CHUNK_MIN_BYTES);
      for (let ts = 1; ts <= 40; ts++) {
        log.append(group(ts, 2000));
        await log.sync();
        await settle();
      }
      expect(statSync(path).size).toBeGreaterThan(log.activeBytes);
      const end = log.activeBytes;
      const second = await log.rotate();
      expect(statSync(path).size).toBe(end);
      expect(statSync(join(dir, commitLogName(second))).size).toBe(FILL_CHUNK_MIN_BYTES);
      log.close();
      const vfs = new NodeVfs();
      const file = vfs.openRead(path);
      let count = 0;
      expect(readLogRecords(file.read(0, file.size()), path, false, () => count++, 'preallocated').torn).toBe(false);
      file.close();
      expect(count).toBe(40);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('recovery over a torn group whose first page was lost', () => {
  it('drops the group, keeps every acknowledged commit, and takes writes again', async () => {
    const mem = new MemoryVfs();
    const engine = await Engine.open('/db', { vfs: mem });
    for (let n = 0; n < 3; n++) await engine.commit([{ key: enc(`k${n}`), value: enc(`v${n}`) }], n + 1);
    await engine.close();
    const name = mem.list('/db').filter((file) => file.endsWith('.log')).sort().pop() as string;
    const file = mem.openAppend(`/db/${name}`);
    const { validEnd } = readLogRecords(file.read(0, file.size()), name, true, () => {}, 'preallocated');
    // A group written at the log end, of which the disk kept all pages but the one it starts in.
    const group = Buffer.from(encodeLogRecords([encodeCommitGroup([encodeCommitRecord(4, [{ key: enc('k3'), kind: 1, value: Buffer.alloc(9000, 7) }])])]));
    group.fill(0, 0, 4096 - (validEnd % 4096));
    file.writeAt?.(validEnd, group);
    const reopened = await Engine.open('/db', { vfs: mem });
    const ts = reopened.visibleTs();
    expect(ts).toBe(3);
    for (let n = 0; n < 3; n++) expect(Buffer.from(reopened.get(enc(`k${n}`), ts) ?? []).toString()).toBe(`v${n}`);
    expect(reopened.get(enc('k3'), ts)).toBeUndefined();
    await reopened.commit([{ key: enc('after'), value: enc('x') }], ts + 1);
    await reopened.close();
    const again = await Engine.open('/db', { vfs: mem.crashImage() });
    expect(Buffer.from(again.get(enc('after'), again.visibleTs()) ?? []).toString()).toBe('x');
    await again.close();
  });
});

describe('torn tail of a preallocated last file', () => {
  const records = [enc('first record'), enc('second'), enc('third and last, a little longer than the others')].map(encodeLogRecord);
  const whole = Buffer.concat(records);
  const last = records[2] as Uint8Array;
  const start = whole.length - last.length;
  const read = (data: Uint8Array, isLast: boolean, rule: TornTailRule = 'preallocated'): { count: number; torn: boolean; validEnd: number } => {
    let count = 0;
    const result = readLogRecords(data, 'x.log', isLast, () => count++, rule);
    return { count, ...result };
  };
  const zeroTail = (data: Uint8Array): Buffer => Buffer.concat([data, Buffer.alloc(4096)]);

  it('every prefix of the last record followed by zeros is a tear of the last file only', () => {
    for (let cut = start; cut <= whole.length; cut++) {
      const file = zeroTail(whole.subarray(0, cut));
      const want = cut === whole.length ? { count: 3, torn: true, validEnd: whole.length } : { count: 2, torn: true, validEnd: start };
      expect(read(file, true), `cut ${cut}`).toEqual(want);
      if (cut > start) expect(() => read(file, false), `cut ${cut} in an earlier file`).toThrow(CorruptionError);
      // An appended file (the manifest) keeps the strict rule: a torn payload must end the file.
      if (cut > start + 12 && cut < whole.length) expect(() => read(file, true, 'appended'), `cut ${cut} appended`).toThrow(CorruptionError);
    }
  });

  it('the pages of the last record kept out of order (its header lost, later bytes kept) are a tear', () => {
    for (const lost of [4, 12, 20, last.length - 1]) {
      const file = zeroTail(whole);
      file.fill(0, start, start + lost);
      expect(read(file, true), `first ${lost} bytes lost`).toEqual({ count: 2, torn: true, validEnd: start });
    }
  });

  it('a damaged record followed by a valid one stays corruption', () => {
    for (const offset of [0, 5, 13, start - 1]) {
      const file = zeroTail(whole);
      file[offset] = (file[offset] as number) ^ 0x10;
      expect(() => read(file, true), `offset ${offset}`).toThrow(CorruptionError);
    }
  });
});
