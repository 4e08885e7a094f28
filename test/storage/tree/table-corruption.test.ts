import { describe, expect, it } from 'vitest';
import { CorruptionError } from '../../../src/storage/errors.js';
import { TS_MAX } from '../../../src/storage/internal-key.js';
import { TableBuilder } from '../../../src/storage/table-builder.js';
import { crc32 } from '../../../src/util/crc32.js';
import { TableReader } from '../../../src/storage/table-reader.js';
import { MemorySource, modelGet, Prng, randomEntries, testSeed, type ModelEntry } from './tree-helpers.js';

/** Reads everything the table holds: a full scan both ways plus a get of every key. */
function readAll(reader: TableReader, entries: readonly ModelEntry[]): string[] {
  const out: string[] = [];
  const it = reader.iterator();
  for (it.seekToFirst(); it.valid(); it.next()) out.push(`${Buffer.from(it.key()).toString('hex')}=${Buffer.from(it.value()).toString('hex')}`);
  const back: string[] = [];
  for (it.seekToLast(); it.valid(); it.prev()) back.push(`${Buffer.from(it.key()).toString('hex')}=${Buffer.from(it.value()).toString('hex')}`);
  out.push('|', ...back.reverse());
  for (const e of entries) {
    const got = reader.get(e.userKey, TS_MAX);
    out.push(got === undefined ? 'none' : `${got.kind}/${got.ts}/${Buffer.from(got.value).toString('hex')}`);
  }
  return out;
}

describe('table corruption', () => {
  it('detects every single-byte flip of a small table: CorruptionError on open or read, never wrong data', () => {
    const rng = new Prng(testSeed('table corruption'));
    const entries = randomEntries(rng, 60, { keySpace: 20, valueBytesMax: 6 });
    const builder = new TableBuilder({ blockBytes: 96, restartInterval: 2, bloomBitsPerKey: 10 });
    for (const e of entries) builder.add(e.ikey, e.value);
    const bytes = Uint8Array.prototype.slice.call(builder.finish());
    const expected = readAll(TableReader.open(new MemorySource(bytes), 1, undefined), entries);
    // Sanity: the clean table answers like the model.
    for (const e of entries) expect(modelGet(entries, e.userKey, TS_MAX)).toBeDefined();
    let detected = 0;
    for (let i = 0; i < bytes.length; i++) {
      const copy = Uint8Array.from(bytes);
      copy[i] = (copy[i] as number) ^ (1 << rng.int(8));
      let result: string[] | undefined;
      try {
        result = readAll(TableReader.open(new MemorySource(copy, 'bad.sst'), 1, undefined), entries);
      } catch (error) {
        if (!(error instanceof CorruptionError)) throw new Error(`byte ${i}: ${String(error)}`);
        expect(error.path).toBe('bad.sst');
        expect(error.offset).toBeGreaterThanOrEqual(0);
        expect(error.offset).toBeLessThan(bytes.length);
        detected++;
        continue;
      }
      // Not detected: only acceptable if the answers are exactly the clean ones (impossible with full CRC coverage).
      expect(result, `flip of byte ${i} went undetected`).toEqual(expected);
    }
    expect(detected).toBe(bytes.length);
  });

  it('rejects truncated files and garbage of any length', () => {
    const rng = new Prng(testSeed('table truncation'));
    const entries = randomEntries(rng, 40);
    const builder = new TableBuilder({ blockBytes: 128, restartInterval: 4, bloomBitsPerKey: 10 });
    for (const e of entries) builder.add(e.ikey, e.value);
    const bytes = Uint8Array.prototype.slice.call(builder.finish());
    for (let n = 0; n < bytes.length; n += 1 + rng.int(7)) {
      expect(() => readAll(TableReader.open(new MemorySource(bytes.subarray(0, n)), 1, undefined), entries)).toThrow(CorruptionError);
    }
    for (let i = 0; i < 200; i++) {
      const junk = rng.bytes(rng.int(300));
      expect(() => TableReader.open(new MemorySource(junk), 1, undefined)).toThrow(CorruptionError);
    }
  });

  it('survives forged blocks (bytes changed and the CRC recomputed): CorruptionError or a clean read, never a crash', () => {
    const rng = new Prng(testSeed('table forgery'));
    const entries = randomEntries(rng, 50, { keySpace: 15, valueBytesMax: 6 });
    const builder = new TableBuilder({ blockBytes: 96, restartInterval: 3, bloomBitsPerKey: 10 });
    for (const e of entries) builder.add(e.ikey, e.value);
    const bytes = Uint8Array.prototype.slice.call(builder.finish());
    // Block extents: each block ends at the first position holding type 0 and the CRC of the bytes so far.
    const blockEnds: Array<[number, number]> = [];
    let start = 0;
    for (let end = 1; end + 5 <= bytes.length - 48; end++) {
      const stored = Buffer.from(bytes.buffer, bytes.byteOffset + end + 1, 4).readUInt32LE(0);
      if (bytes[end] === 0 && stored === crc32(bytes.subarray(start, end + 1))) {
        blockEnds.push([start, end]);
        start = end + 5;
      }
    }
    expect(start).toBe(bytes.length - 48); // the walk found every block
    let corrupt = 0;
    let clean = 0;
    for (const [blockStart, contentEnd] of blockEnds) {
      for (let i = blockStart; i < contentEnd; i++) {
        const copy = Uint8Array.from(bytes);
        copy[i] = (copy[i] as number) ^ (1 << rng.int(8));
        Buffer.from(copy.buffer).writeUInt32LE(crc32(copy.subarray(blockStart, contentEnd + 1)), contentEnd + 1);
        try {
          readAll(TableReader.open(new MemorySource(copy), 1, undefined), entries);
          clean++;
        } catch (error) {
          if (!(error instanceof CorruptionError)) throw new Error(`forged byte ${i}: ${String(error)}`);
          corrupt++;
        }
      }
    }
    expect(corrupt + clean).toBeGreaterThan(bytes.length / 2);
    expect(corrupt).toBeGreaterThan(0);
  });
});
