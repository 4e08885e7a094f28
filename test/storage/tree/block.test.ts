import { describe, expect, it } from 'vitest';
import { Block } from '../../../src/storage/block.js';
import { BlockBuilder } from '../../../src/storage/block-builder.js';
import { CorruptionError } from '../../../src/storage/errors.js';
import { compareInternalKeys, encodeInternalKey, KIND_VALUE } from '../../../src/storage/internal-key.js';
import { checkAgainstModel, Prng, randomEntries, testSeed, type ModelEntry } from './tree-helpers.js';

function build(entries: readonly ModelEntry[], restartInterval: number): Uint8Array {
  const builder = new BlockBuilder(restartInterval);
  for (const e of entries) builder.add(e.ikey, e.value);
  return Uint8Array.prototype.slice.call(builder.finish());
}

describe('BlockBuilder / Block', () => {
  it('encodes the LevelDB layout: prefix-compressed entries, restarts, restart count', () => {
    const builder = new BlockBuilder(2);
    const k1 = encodeInternalKey(Buffer.from('apple'), 1, KIND_VALUE);
    const k2 = encodeInternalKey(Buffer.from('apricot'), 1, KIND_VALUE);
    const k3 = encodeInternalKey(Buffer.from('banana'), 1, KIND_VALUE);
    builder.add(k1, Buffer.from('1'));
    builder.add(k2, Buffer.from('2'));
    builder.add(k3, Buffer.from('3'));
    const data = Buffer.from(builder.finish());
    // entry 1: shared 0, unshared 13, value 1
    expect([...data.subarray(0, 3)]).toEqual([0, 13, 1]);
    const second = 3 + 13 + 1;
    // entry 2 shares "ap"
    expect([...data.subarray(second, second + 3)]).toEqual([2, 13, 1]);
    const third = second + 3 + 13 + 1;
    expect(data[third]).toBe(0); // restart point stores its key whole
    expect(data.readUInt32LE(data.length - 4)).toBe(2);
    expect(data.readUInt32LE(data.length - 8)).toBe(third);
    expect(data.readUInt32LE(data.length - 12)).toBe(0);
  });

  it('an empty block is valid and iterates nothing', () => {
    const block = new Block(new BlockBuilder(16).finish(), 'x', 0);
    const it = block.iterator();
    it.seekToFirst();
    expect(it.valid()).toBe(false);
    it.seekToLast();
    expect(it.valid()).toBe(false);
    it.seek(encodeInternalKey(Buffer.from('a'), 1, 1));
    expect(it.valid()).toBe(false);
  });

  it('matches the model for forward, reverse and seeks at several restart intervals (property)', () => {
    const rng = new Prng(testSeed('block property'));
    for (let round = 0; round < 40; round++) {
      const entries = randomEntries(rng, rng.int(300), { keySpace: 1 + rng.int(60), valueBytesMax: rng.int(2) === 0 ? 5 : 300 });
      const interval = [1, 2, 3, 16, 64][rng.int(5)] as number;
      const block = new Block(build(entries, interval), 'mem', 100);
      expect(checkAgainstModel(block.iterator(), entries, rng, 300)).toBe(300);
      // A full backward walk (through the run cache) sees every entry in reverse order.
      const it = block.iterator();
      const back: string[] = [];
      for (it.seekToLast(); it.valid(); it.prev()) back.push(Buffer.from(it.key()).toString('hex') + Buffer.from(it.value()).toString('hex'));
      expect(back.reverse()).toEqual(entries.map((e) => Buffer.from(e.ikey).toString('hex') + e.value.toString('hex')));
    }
  });

  it('seeks to the first entry >= every target near its keys: prefixes, extensions, other versions (exhaustive)', () => {
    const rng = new Prng(testSeed('block seek'));
    for (let round = 0; round < 30; round++) {
      const entries = randomEntries(rng, 1 + rng.int(200), { keySpace: 1 + rng.int(40), tsMax: 6, longKeys: rng.int(3) === 0 });
      const block = new Block(build(entries, [1, 2, 3, 16][rng.int(4)] as number), 'mem', 0);
      const it = block.iterator();
      for (const e of entries) {
        const user = e.userKey;
        const near = [user, user.subarray(0, user.length - 1), Buffer.concat([user, Buffer.from([0])]), Buffer.concat([user.subarray(0, user.length - 1), Buffer.from([(user[user.length - 1] ?? 0) + 1])])];
        for (const target of near) {
          for (const ts of [0, e.ts - 1, e.ts, e.ts + 1, 7]) {
            const ikey = encodeInternalKey(target, Math.max(0, ts), rng.int(3));
            const want = entries.find((x) => compareInternalKeys(x.ikey, ikey) >= 0);
            it.seek(ikey);
            expect(it.valid() ? Buffer.from(it.key()).toString('hex') : 'end').toBe(want === undefined ? 'end' : Buffer.from(want.ikey).toString('hex'));
          }
        }
      }
    }
  });

  it('rejects corrupt structure with CorruptionError at an absolute offset', () => {
    expect(() => new Block(new Uint8Array(3), 'f', 10)).toThrow(CorruptionError);
    const bad = Buffer.alloc(8);
    bad.writeUInt32LE(5, 4); // 5 restarts cannot fit
    expect(() => new Block(bad, 'f', 10)).toThrow(/offset 14/);
    const rng = new Prng(testSeed('block corruption'));
    const entries = randomEntries(rng, 100, { keySpace: 30 });
    const data = build(entries, 4);
    // Any mutation of the block either throws CorruptionError or decodes; never a TypeError/RangeError.
    for (let i = 0; i < data.length; i++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const copy = Uint8Array.from(data);
        copy[i] = (copy[i] as number) ^ flip;
        try {
          const it = new Block(copy, 'f', 0).iterator();
          for (it.seekToFirst(); it.valid(); it.next()) it.value();
          for (it.seekToLast(); it.valid(); it.prev()) it.key();
          it.seek(entries[50]?.ikey ?? new Uint8Array(8));
        } catch (error) {
          expect(error).toBeInstanceOf(CorruptionError);
        }
      }
    }
  });
});
