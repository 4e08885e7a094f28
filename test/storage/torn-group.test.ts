/**
 * Torn groups (sync 'full' syncs the value log and the commit log concurrently): a crash may leave
 * the last group's commit record durable while its values are not. Recovery drops exactly that
 * group (never acknowledged), truncates it away, and keeps every acknowledged commit; a damaged
 * value of an earlier, acknowledged group is still a CorruptionError. Also: commit-log version 1
 * (one commit record per log record) still replays.
 */
import { describe, expect, it } from 'vitest';
import { decodeCommitPayload, encodeCommitGroup } from '../../src/storage/commit-group.js';
import { encodeCommitRecord } from '../../src/storage/commit-record.js';
import { encodeLogRecords } from '../../src/storage/log-record.js';
import { CorruptionError, Engine, MemoryVfs } from '../../src/storage/index.js';
import { GatedVfs } from '../support/gated-vfs.js';
import { enc } from './storage-helpers.js';

const OPTIONS = { valueThreshold: 64, flushInWorker: false };

const big = (n: number): Uint8Array => enc(`big-${n}-`.padEnd(200, 'x'));

/** Acknowledges groups 0..2, then crashes while group 3's commit record is durable and its values are not. */
async function tornImage(): Promise<MemoryVfs> {
  const mem = new MemoryVfs();
  const vfs = new GatedVfs(mem);
  const engine = await Engine.open('/db', { ...OPTIONS, vfs });
  for (let n = 0; n < 3; n++) await engine.commit([{ key: enc(`k${n}`), value: big(n) }, { key: enc('small'), value: enc(`s${n}`) }], n + 1);
  vfs.holdVlogSyncs = true;
  const pending = engine.commit([{ key: enc('k3'), value: big(3) }, { key: enc('small'), value: enc('s3') }], 4);
  let settled = false;
  void pending.finally(() => (settled = true)).catch(() => {});
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  expect(settled, 'a commit is acknowledged before its values are durable').toBe(false);
  const image = mem.crashImage();
  vfs.release();
  await pending;
  await engine.close();
  return image;
}

describe('torn groups', () => {
  it('drops the last group when its commit record is durable but its values are not', async () => {
    const image = tornImage();
    const vfs = await image;
    const logs = vfs.list('/db').filter((name) => name.endsWith('.log'));
    const logBytes = logs.map((name) => vfs.fileSize(`/db/${name}`)).reduce((a, b) => a + b, 0);
    const engine = await Engine.open('/db', { ...OPTIONS, vfs });
    const ts = engine.visibleTs();
    expect(ts).toBe(3);
    expect(Buffer.from(engine.get(enc('small'), ts) ?? []).toString()).toBe('s2');
    expect(engine.get(enc('k3'), ts)).toBeUndefined();
    for (let n = 0; n < 3; n++) expect(Buffer.from(engine.get(enc(`k${n}`), ts) ?? []).equals(big(n))).toBe(true);
    const truncated = logs.map((name) => vfs.fileSize(`/db/${name}`)).reduce((a, b) => a + b, 0);
    expect(truncated).toBeLessThan(logBytes);
    await engine.commit([{ key: enc('k3'), value: big(30) }], engine.lastTs() + 1);
    await engine.close();
    const again = await Engine.open('/db', { ...OPTIONS, vfs });
    expect(Buffer.from(again.get(enc('k3'), again.visibleTs()) ?? []).equals(big(30))).toBe(true);
    expect(Buffer.from(again.get(enc('small'), again.visibleTs()) ?? []).toString()).toBe('s2');
    await again.close();
  });

  it('keeps the last group when its values are durable, and reports damage to an acknowledged value', async () => {
    const mem = new MemoryVfs();
    const engine = await Engine.open('/db', { ...OPTIONS, vfs: mem });
    for (let n = 0; n < 3; n++) await engine.commit([{ key: enc(`k${n}`), value: big(n) }], n + 1);
    await engine.close();
    const whole = await Engine.open('/db', { ...OPTIONS, vfs: mem.crashImage() });
    expect(whole.visibleTs()).toBe(3);
    await whole.close();
    const vlog = mem.list('/db').find((name) => name.endsWith('.vlog')) as string;
    const damaged = mem.crashImage();
    damaged.flipByte(`/db/${vlog}`, 30);
    const reopened = await Engine.open('/db', { ...OPTIONS, vfs: damaged });
    expect(reopened.visibleTs()).toBe(3);
    expect(() => reopened.get(enc('k0'), 3)).toThrow(CorruptionError);
    await reopened.close();
  });

  it('replays a version-1 commit log (one commit record per log record)', async () => {
    const mem = new MemoryVfs();
    const engine = await Engine.open('/db', { ...OPTIONS, vfs: mem });
    await engine.close();
    const records = [1, 2, 3].map((ts) => encodeCommitRecord(ts, [{ key: enc(`v1-${ts}`), kind: 1, value: enc(`value-${ts}`) }]));
    const log = mem.list('/db').find((name) => name.endsWith('.log')) as string;
    // The closed segment holds no record, only its preallocated zeros: a version-1 writer appended.
    await mem.truncate(`/db/${log}`, 0);
    mem.openAppend(`/db/${log}`).append(encodeLogRecords(records));
    const reopened = await Engine.open('/db', { ...OPTIONS, vfs: mem });
    expect(reopened.visibleTs()).toBe(3);
    expect(Buffer.from(reopened.get(enc('v1-2'), 3) ?? []).toString()).toBe('value-2');
    await reopened.close();
  });

  it('encodes a group as marker, count and length-prefixed records', () => {
    const records = [encodeCommitRecord(7, [{ key: enc('a'), kind: 0, value: new Uint8Array(0) }]), encodeCommitRecord(8, [])];
    const group = encodeCommitGroup(records);
    expect(Buffer.from(group.subarray(0, 9)).toString('hex')).toBe('ffffffffffffffff02');
    expect(decodeCommitPayload(group, 'x.log', 0).map((record) => record.commitTs)).toEqual([7, 8]);
    expect(decodeCommitPayload(records[0] as Uint8Array, 'x.log', 0)[0]?.commitTs).toBe(7);
    expect(() => decodeCommitPayload(group.subarray(0, group.length - 1), 'x.log', 0)).toThrow(CorruptionError);
  });
});
