/**
 * The commit-group size ceiling (issue 3, code health): a group — several commits up to
 * groupCommitBytesMax, or one bigger commit alone — always fits one commit-log record, so the
 * encoder's assert can never fire. groupCommitBytesMax is bounded by COMMIT_GROUP_BYTES_MAX in the
 * options, a single commit over it is a LimitError, and the count validateWrites gives a commit
 * bounds its encoded bytes (checked on random commits, values inline and separated).
 */
import { describe, expect, it } from 'vitest';
import { validateWrites, type Write } from '../../src/storage/commit-batch.js';
import { COMMIT_GROUP_BYTES_MAX, COMMIT_GROUP_FRAMING_BYTES_MAX, encodeCommitGroup } from '../../src/storage/commit-group.js';
import { encodeCommitRecord, type CommitEntry } from '../../src/storage/commit-record.js';
import { KIND_POINTER, KIND_TOMBSTONE, KIND_VALUE } from '../../src/storage/internal-key.js';
import { LOG_RECORD_BYTES_MAX } from '../../src/storage/log-record.js';
import { resolveOptions } from '../../src/storage/options.js';
import { encodeValuePointer } from '../../src/storage/value-pointer.js';
import { ConfigError, Engine, LimitError, MemoryVfs } from '../../src/storage/index.js';
import { enc, prng, randomBytes, randomInt, testSeed } from './storage-helpers.js';

const MIB = 1024 * 1024;

describe('commit group ceiling', () => {
  it('bounds groupCommitBytesMax by what one log record holds', () => {
    expect(COMMIT_GROUP_BYTES_MAX + COMMIT_GROUP_FRAMING_BYTES_MAX).toBe(LOG_RECORD_BYTES_MAX);
    expect(resolveOptions({ groupCommitBytesMax: COMMIT_GROUP_BYTES_MAX }).groupCommitBytesMax).toBe(COMMIT_GROUP_BYTES_MAX);
    expect(() => resolveOptions({ groupCommitBytesMax: 1024 * MIB })).toThrow(ConfigError);
    expect(() => resolveOptions({ groupCommitBytesMax: COMMIT_GROUP_BYTES_MAX + 1 })).toThrow(ConfigError);
  });

  it('refuses a single commit over the ceiling with LimitError, before it takes a ts', async () => {
    // Five writes of one 256 MiB value (never touched: validation refuses the commit first).
    const value = new Uint8Array(256 * MIB);
    const writes: Write[] = Array.from({ length: 5 }, (_, i) => ({ key: enc(`big${i}`), value }));
    const options = resolveOptions({ valueBytesMax: 256 * MIB });
    expect(() => validateWrites(writes, options)).toThrow(LimitError);
    expect(() => validateWrites(writes.slice(0, 3), options)).not.toThrow();

    const engine = await Engine.open('/db', { vfs: new MemoryVfs(), valueBytesMax: 256 * MIB });
    await expect(engine.commit(writes, 1)).rejects.toBeInstanceOf(LimitError);
    expect(engine.lastTs()).toBe(0);
    await engine.commit([{ key: enc('small'), value: enc('v') }], 1);
    expect(Buffer.from(engine.get(enc('small'), engine.visibleTs()) ?? []).toString()).toBe('v');
    await engine.close();
  });

  it("counts each commit at least at its encoded size, so a group's record fits", () => {
    const random = prng(testSeed('commit-group-ceiling'));
    const options = resolveOptions({});
    for (let round = 0; round < 200; round++) {
      const records: Uint8Array[] = [];
      let counted = 0;
      for (let c = randomInt(random, 4); c >= 0; c--) {
        const writes: Write[] = [];
        const entries: CommitEntry[] = [];
        for (let w = randomInt(random, 6); w > 0; w--) {
          const key = randomBytes(random, 1 + randomInt(random, 40));
          const shape = randomInt(random, 3);
          // Separated values are counted at their full length but logged as a pointer: the
          // worst case is an empty value behind a pointer with large varints.
          const value = shape === 0 ? undefined : randomBytes(random, randomInt(random, 3) === 0 ? 0 : randomInt(random, 300));
          writes.push({ key, value });
          if (value === undefined) entries.push({ key, kind: KIND_TOMBSTONE, value: new Uint8Array(0) });
          else if (shape === 1) entries.push({ key, kind: KIND_VALUE, value });
          else entries.push({ key, kind: KIND_POINTER, value: encodeValuePointer({ segment: 2 ** 48 - 1, offset: 2 ** 34, length: 2 ** 28 - 1 }) });
        }
        counted += validateWrites(writes, options);
        records.push(encodeCommitRecord(2 ** 52 + round, entries));
      }
      expect(encodeCommitGroup(records).length).toBeLessThanOrEqual(counted + COMMIT_GROUP_FRAMING_BYTES_MAX);
    }
  });
});
