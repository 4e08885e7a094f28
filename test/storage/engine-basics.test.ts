/**
 * Unit behaviour of the engine's I/O half: option bounds, limits, the directory lock (in process
 * and stale across processes), log-record tail rules, relaxed durability, closed-engine errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  CorruptionError,
  EngineClosedError,
  LimitError,
  LockError,
  MemoryVfs,
  open,
} from '../../src/storage/index.js';
import { encodeLogRecord, readLogRecords } from '../../src/storage/log-record.js';
import { enc } from './storage-helpers.js';

const text = (value: Uint8Array | undefined): string | undefined => (value === undefined ? undefined : Buffer.from(value).toString());

describe('options and limits', () => {
  it('rejects options out of bounds and unknown options with ConfigError', async () => {
    const vfs = new MemoryVfs();
    await expect(open('/db', { vfs, memtableBytesMax: 10 })).rejects.toBeInstanceOf(ConfigError);
    await expect(open('/db', { vfs, valueThreshold: -1 })).rejects.toBeInstanceOf(ConfigError);
    await expect(open('/db', { vfs, blockBytes: 1.5 })).rejects.toBeInstanceOf(ConfigError);
    await expect(open('/db', { vfs, sync: 'sometimes' as 'full' })).rejects.toBeInstanceOf(ConfigError);
    await expect(open('/db', { vfs, colour: 1 } as never)).rejects.toBeInstanceOf(ConfigError);
  });

  it('keys and values past their maxima are a LimitError and consume no ts', async () => {
    const db = await open('/db', { vfs: new MemoryVfs(), keyBytesMax: 8, valueBytesMax: 16, batchOpsMax: 2 });
    await expect(db.put(new Uint8Array(9), enc('v'))).rejects.toBeInstanceOf(LimitError);
    await expect(db.put(enc('k'), new Uint8Array(17))).rejects.toBeInstanceOf(LimitError);
    const del = { type: 'del' as const, key: enc('k') };
    await expect(db.batch([del, del, del])).rejects.toBeInstanceOf(LimitError);
    expect(db.stats().lastTs).toBe(0);
    await db.put(new Uint8Array(8), new Uint8Array(16));
    expect(db.stats().lastTs).toBe(1);
    await db.close();
  });
});

describe('directory lock', () => {
  it('a second open of the same directory fails at once with LockError; close releases it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-lock-'));
    try {
      const first = await open(dir);
      await expect(open(dir)).rejects.toBeInstanceOf(LockError);
      await first.close();
      const second = await open(dir);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a LOCK left by a dead process is stale and taken over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-lock-'));
    try {
      writeFileSync(join(dir, 'LOCK'), '2147483646');
      const db = await open(dir);
      await db.put(enc('k'), enc('v'));
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the memory Vfs locks too', async () => {
    const vfs = new MemoryVfs();
    const db = await open('/db', { vfs });
    await expect(open('/db', { vfs })).rejects.toBeInstanceOf(LockError);
    await db.close();
  });
});

describe('log record tail rules', () => {
  const records = [enc('first record'), enc('second'), enc('third and last')].map(encodeLogRecord);
  const whole = Buffer.concat(records);
  const read = (data: Uint8Array, isLast: boolean): { payloads: string[]; torn: boolean; validEnd: number } => {
    const payloads: string[] = [];
    const result = readLogRecords(data, 'x.log', isLast, (payload) => payloads.push(Buffer.from(payload).toString()));
    return { payloads, ...result };
  };

  it('reads whole records back', () => {
    expect(read(whole, true)).toEqual({ payloads: ['first record', 'second', 'third and last'], torn: false, validEnd: whole.length });
  });

  it('drops every torn prefix of the last record of the last file silently', () => {
    const start = whole.length - (records[2] as Uint8Array).length;
    for (let cut = start + 1; cut < whole.length; cut++) {
      expect(read(whole.subarray(0, cut), true)).toEqual({ payloads: ['first record', 'second'], torn: true, validEnd: start });
    }
  });

  it('a zero-filled tail is torn; a torn tail of an earlier file is corruption', () => {
    const zeros = Buffer.concat([whole, Buffer.alloc(40)]);
    expect(read(zeros, true).torn).toBe(true);
    expect(() => read(whole.subarray(0, whole.length - 3), false)).toThrow(CorruptionError);
  });

  it('a flipped byte in any record but the last is corruption, with the file and offset', () => {
    for (let offset = 0; offset < whole.length - (records[2] as Uint8Array).length; offset++) {
      const copy = Buffer.from(whole);
      copy[offset] = (copy[offset] as number) ^ 0x10;
      expect(() => read(copy, true), `offset ${offset}`).toThrow(/corruption in x\.log at offset/);
    }
  });
});

describe('engine lifecycle', () => {
  it('relaxed durability acknowledges and persists on close', async () => {
    const vfs = new MemoryVfs();
    const db = await open('/db', { vfs, sync: 'relaxed', relaxedSyncIntervalMs: 5 });
    for (let i = 0; i < 50; i++) await db.put(enc(`k${i}`), new Uint8Array(i * 10).fill(i));
    await db.close();
    const again = await open('/db', { vfs });
    expect(again.get(enc('k49'))?.length).toBe(490);
    await again.close();
  });

  it('an empty value, valueThreshold 0, and reads after close', async () => {
    const db = await open('/db', { vfs: new MemoryVfs(), valueThreshold: 0 });
    await db.put(enc('empty'), new Uint8Array(0));
    expect(text(db.get(enc('empty')))).toBe('');
    const snapshot = db.snapshot();
    await db.put(enc('empty'), enc('now full'));
    expect(text(snapshot.get(enc('empty')))).toBe('');
    expect(text(db.get(enc('empty')))).toBe('now full');
    expect(db.stats().openSnapshots).toBe(1);
    expect(db.stats().safePointTs).toBeLessThanOrEqual(snapshot.readTs);
    await db.flush();
    expect(db.stats().safePointTs).toBe(snapshot.readTs);
    snapshot.release();
    expect(db.stats().openSnapshots).toBe(0);
    expect(db.stats().safePointTs).toBe(db.stats().visibleTs);
    await db.close();
    expect(() => db.get(enc('empty'))).toThrow(EngineClosedError);
    await expect(db.put(enc('x'), enc('y'))).rejects.toBeInstanceOf(EngineClosedError);
  });
});
