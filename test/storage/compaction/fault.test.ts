/**
 * I/O faults during compaction and value-log GC: the first failure is typed and sticky (every
 * later commit is refused with EngineFailedError), and a reopen finds every acknowledged write.
 */
import { describe, expect, it } from 'vitest';
import { EngineFailedError, FaultVfs, MemoryVfs, open, type FaultRule } from '../../../src/storage/index.js';

const OPTIONS = {
  valueThreshold: 32,
  memtableBytesMax: 2048,
  vlogSegmentBytesMax: 4096,
  vlogGcThreshold: 0.2,
  tableBytesTarget: 1024,
  levelBaseBytes: 2048,
  l0CompactionTrigger: 2,
  flushInWorker: false,
};

const key = (i: number): Uint8Array => Buffer.from(`key-${String(i % 60).padStart(3, '0')}`);
const value = (i: number): Uint8Array => Buffer.from(`${i}:`.padEnd(i % 2 === 0 ? 80 : 10, 'v'));

async function runWithFault(rule: FaultRule): Promise<void> {
  const mem = new MemoryVfs();
  const vfs = new FaultVfs(mem);
  const db = await open('/db', { ...OPTIONS, vfs });
  vfs.inject(rule);
  const acked = new Map<string, string>();
  let failed = false;
  for (let i = 0; i < 600 && !failed; i++) {
    try {
      await db.put(key(i), value(i));
      acked.set(Buffer.from(key(i)).toString(), Buffer.from(value(i)).toString());
    } catch (error) {
      failed = true;
      expect(error).toBeInstanceOf(Error);
    }
  }
  const where = JSON.stringify(rule);
  expect(vfs.injected, where).toBeGreaterThan(0);
  await expect(db.put(Buffer.from('late'), Buffer.from('x')), where).rejects.toBeInstanceOf(EngineFailedError);
  await db.close();
  const reopened = await open('/db', { ...OPTIONS, vfs: mem.crashImage() });
  for (const [k, v] of acked) expect(Buffer.from(reopened.get(Buffer.from(k)) ?? []).toString(), `${where} ${k}`).toBe(v);
  await reopened.compact();
  for (const [k, v] of acked) expect(Buffer.from(reopened.get(Buffer.from(k)) ?? []).toString(), `${where} after compact ${k}`).toBe(v);
  await reopened.close();
}

describe('I/O faults in compaction and value-log GC are sticky and lose nothing acknowledged', () => {
  const rules: FaultRule[] = [
    { kind: 'write', nth: 3, pathIncludes: '.sst' },
    { kind: 'write', nth: 12, pathIncludes: '.sst' },
    { kind: 'write', nth: 1, pathIncludes: '.vgc' },
    { kind: 'write', nth: 6, pathIncludes: 'MANIFEST' },
    { kind: 'read', nth: 2, pathIncludes: '.vlog' },
  ];
  for (const rule of rules) {
    it(`${rule.kind} fault #${rule.nth} on ${rule.pathIncludes}`, async () => {
      await runWithFault(rule);
    });
  }
});
