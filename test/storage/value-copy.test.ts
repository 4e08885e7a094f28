/**
 * Copied values (commit-group-processor.ts): a group whose value-log records total at most
 * VALUE_COPY_GROUP_BYTES_MAX is acknowledged after one fsync, the commit log's, its records
 * holding a copy of each separated value. These tests hold the value log's syncs back and crash
 * the in-memory Vfs to check what that rests on:
 * - an acknowledged commit survives a power loss that takes its value-log records;
 * - a flush does not install its table (and drop the commit log holding the copies) before the
 *   value-log records its pointers name are durable;
 * - a damaged value-log record is healed from the copy on open;
 * - after `kill -9` the records recovery keeps pointers to (present, but maybe only in the page
 *   cache) are synced before a flush can drop their copies: a power loss after the restart loses
 *   nothing;
 * - the commit record codec round-trips a copied entry and rejects a truncated one.
 */
import { describe, expect, it } from 'vitest';
import { VALUE_COPY_GROUP_BYTES_MAX } from '../../src/storage/commit-group-processor.js';
import { decodeCommitRecord, encodeCommitRecord } from '../../src/storage/commit-record.js';
import { KIND_POINTER, KIND_VALUE } from '../../src/storage/internal-key.js';
import { CorruptionError, Engine, MemoryVfs, type VfsFile } from '../../src/storage/index.js';
import { VLOG_HEADER_BYTES } from '../../src/storage/value-log.js';
import { encodeValuePointer } from '../../src/storage/value-pointer.js';
import { DelegatingVfs } from '../support/delegating-vfs.js';
import { GatedVfs } from '../support/gated-vfs.js';
import { enc } from './storage-helpers.js';

const OPTIONS = { valueThreshold: 64, flushInWorker: false };
const KEYS = 20;

/** A Vfs without positional writes: logs are appended, with no zero-filled region that open would cut (and sync). */
class AppendOnlyVfs extends DelegatingVfs {
  override openAppend(path: string): VfsFile {
    const { writeAt: _writeAt, ...file } = super.openAppend(path);
    return file;
  }
}

const valueOf = (n: number, round = 0): Uint8Array => enc(`value-${n}-${round}-`.padEnd(300, String.fromCharCode(97 + (n % 26))));
const keyOf = (n: number): Uint8Array => enc(`key-${String(n).padStart(3, '0')}`);

async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Commits KEYS small groups (one separated value each) and returns once every one is acknowledged. */
async function commitSmallGroups(engine: Engine, round = 0): Promise<void> {
  for (let n = 0; n < KEYS; n++) await engine.commit([{ key: keyOf(n), value: valueOf(n, round) }], engine.lastTs() + 1);
}

async function expectAll(vfs: MemoryVfs, round = 0): Promise<void> {
  const engine = await Engine.open('/db', { ...OPTIONS, vfs });
  try {
    const ts = engine.visibleTs();
    for (let n = 0; n < KEYS; n++) expect(Buffer.from(engine.get(keyOf(n), ts) ?? []).equals(valueOf(n, round)), `key ${n}`).toBe(true);
  } finally {
    await engine.close();
  }
}

describe('values copied into the commit log', () => {
  it('acknowledges a small group without a value-log fsync; a power loss that takes its records loses nothing', async () => {
    const mem = new MemoryVfs();
    const vfs = new GatedVfs(mem);
    const engine = await Engine.open('/db', { ...OPTIONS, vfs });
    await engine.commit([{ key: enc('first'), value: valueOf(99) }], 1); // creates the value-log segment
    vfs.holdVlogSyncs = true;
    await commitSmallGroups(engine);
    const image = mem.crashImage();
    vfs.release();
    await engine.close();
    await expectAll(image);
  });

  it('a group past VALUE_COPY_GROUP_BYTES_MAX still waits for its value-log fsync', async () => {
    const mem = new MemoryVfs();
    const vfs = new GatedVfs(mem);
    const engine = await Engine.open('/db', { ...OPTIONS, vfs });
    await engine.commit([{ key: enc('first'), value: valueOf(99) }], 1);
    vfs.holdVlogSyncs = true;
    const bulk = [0, 1, 2].map((n) => ({ key: keyOf(n), value: new Uint8Array(VALUE_COPY_GROUP_BYTES_MAX / 2).fill(n + 1) }));
    let settled = false;
    const pending = engine.commit(bulk, 2).finally(() => (settled = true));
    await turns(20);
    expect(settled).toBe(false);
    vfs.release();
    await pending;
    await engine.close();
  });

  it('a flush installs its table only after the value-log records it points at are durable', async () => {
    const mem = new MemoryVfs();
    const vfs = new GatedVfs(mem);
    const engine = await Engine.open('/db', { ...OPTIONS, vfs });
    await engine.commit([{ key: enc('first'), value: valueOf(99) }], 1);
    vfs.holdVlogSyncs = true;
    await commitSmallGroups(engine);
    const logsBefore = mem.list('/db').filter((name) => name.endsWith('.log'));
    let flushed = false;
    const flush = engine.flush().then(() => (flushed = true));
    await turns(50);
    expect(flushed, 'the flush waits for the value log').toBe(false);
    expect(mem.list('/db').filter((name) => name.endsWith('.log'))).toEqual(expect.arrayContaining(logsBefore));
    vfs.release();
    await flush;
    // The commit log that held the copies is gone; the values now rest on the value log alone.
    expect(mem.list('/db').filter((name) => logsBefore.includes(name))).toEqual([]);
    const image = mem.crashImage();
    await engine.close();
    await expectAll(image);
  });

  it('heals a damaged value-log record from its copy on open', async () => {
    const mem = new MemoryVfs();
    const engine = await Engine.open('/db', { ...OPTIONS, vfs: mem });
    const first = valueOf(99);
    await engine.commit([{ key: enc('first'), value: first }], 1); // its own group, not copied
    await commitSmallGroups(engine);
    const image = mem.killImage(); // every record is there
    await engine.close();
    const vlog = image.list('/db').find((name) => name.endsWith('.vlog')) as string;
    const firstRecordBytes = VLOG_HEADER_BYTES + 'first'.length + first.length;
    image.flipByte(`/db/${vlog}`, firstRecordBytes + 40); // inside key 0's record
    await expectAll(image);
    // Once flushed, the healed value is in a table: a reopen still reads it.
    const reopened = await Engine.open('/db', { ...OPTIONS, vfs: image });
    await reopened.flush();
    await reopened.close();
    await expectAll(image.crashImage());
  });

  it('after kill -9, syncs the records it keeps pointers to before a flush drops their copies', async () => {
    const mem = new MemoryVfs();
    // Appends only: the segment ends at its last record, so open cuts nothing (a cut would sync it).
    const first = await Engine.open('/db', { ...OPTIONS, vfs: new AppendOnlyVfs(mem) });
    await first.commit([{ key: enc('first'), value: valueOf(99) }], 1);
    await commitSmallGroups(first);
    const killed = mem.killImage(); // the value-log records are in the page cache, not durable
    await first.close();
    const restarted = await Engine.open('/db', { ...OPTIONS, vfs: new AppendOnlyVfs(killed) });
    await restarted.flush();
    const powerLoss = killed.crashImage();
    await restarted.close();
    await expectAll(powerLoss);
  });

  it('a damaged record of a flushed value is still a CorruptionError', async () => {
    const mem = new MemoryVfs();
    const engine = await Engine.open('/db', { ...OPTIONS, vfs: mem });
    await commitSmallGroups(engine);
    await engine.flush();
    await engine.close();
    const image = mem.crashImage();
    const vlog = image.list('/db').find((name) => name.endsWith('.vlog')) as string;
    image.flipByte(`/db/${vlog}`, 40);
    const reopened = await Engine.open('/db', { ...OPTIONS, vfs: image });
    expect(() => reopened.get(keyOf(0), reopened.visibleTs())).toThrow(CorruptionError);
    await reopened.close();
  });

  it('encodes a copied entry as pointer and value, and rejects a truncated copy', () => {
    const pointer = encodeValuePointer({ segment: 7, offset: 4096, length: 12 + 3 + 5 });
    const copy = enc('hello');
    const record = encodeCommitRecord(42, [
      { key: enc('abc'), kind: KIND_POINTER, value: pointer, copy },
      { key: enc('inl'), kind: KIND_VALUE, value: enc('v') },
    ]);
    // kind 3, key, pointer, copy.
    expect(Buffer.from(record.subarray(9, 14)).toString('hex')).toBe('0303616263');
    const decoded = decodeCommitRecord(record, 'x.log', 0);
    expect(decoded.commitTs).toBe(42);
    const [copied, inline] = decoded.entries;
    expect(copied?.kind).toBe(KIND_POINTER);
    expect(Buffer.from(copied?.value ?? []).equals(pointer)).toBe(true);
    expect(Buffer.from(copied?.copy ?? []).toString()).toBe('hello');
    expect(inline?.copy).toBeUndefined();
    const truncated = encodeCommitRecord(42, [{ key: enc('abc'), kind: KIND_POINTER, value: pointer, copy }]);
    expect(() => decodeCommitRecord(truncated.subarray(0, truncated.length - 1), 'x.log', 0)).toThrow(CorruptionError);
  });
});
