import { describe, expect, it } from 'vitest';
import {
  compareInternalKeys,
  compareRanges,
  encodeInternalKey,
  internalKind,
  internalTs,
  internalUserKey,
  KIND_POINTER,
  KIND_TOMBSTONE,
  KIND_VALUE,
  lastInternalKeyFor,
  seekKeyFor,
  TS_MAX,
} from '../../../src/storage/internal-key.js';
import { Prng, testSeed } from './tree-helpers.js';

const b = (s: string): Buffer => Buffer.from(s);

describe('internal key', () => {
  it('round-trips user key, ts and kind', () => {
    for (const ts of [1, 2, 255, 256, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, TS_MAX]) {
      for (const kind of [KIND_TOMBSTONE, KIND_VALUE, KIND_POINTER]) {
        const ikey = encodeInternalKey(b('user'), ts, kind);
        expect(ikey.length).toBe(12);
        expect(Buffer.from(internalUserKey(ikey)).toString()).toBe('user');
        expect(internalTs(ikey)).toBe(ts);
        expect(internalKind(ikey)).toBe(kind);
      }
    }
  });

  it('encodes the bytes docs/format.md shows', () => {
    expect(Buffer.from(encodeInternalKey(b('a'), 1, KIND_VALUE)).toString('hex')).toBe('611ffffffffffffe01');
    expect(Buffer.from(encodeInternalKey(b(''), TS_MAX, KIND_TOMBSTONE)).toString('hex')).toBe('0000000000000000');
    expect(Buffer.from(encodeInternalKey(b('k'), 2 ** 32, KIND_POINTER)).toString('hex')).toBe('6b1ffffeffffffff02');
  });

  it('orders by user key, then newest ts first, then kind', () => {
    const keys = [
      encodeInternalKey(b(''), 5, KIND_VALUE),
      encodeInternalKey(b('a'), 9, KIND_VALUE),
      encodeInternalKey(b('a'), 3, KIND_TOMBSTONE),
      encodeInternalKey(b('a'), 3, KIND_VALUE),
      encodeInternalKey(b('a'), 1, KIND_POINTER),
      encodeInternalKey(b('a\x00'), TS_MAX, KIND_TOMBSTONE),
      encodeInternalKey(b('ab'), 7, KIND_VALUE),
      encodeInternalKey(b('b'), 1, KIND_VALUE),
    ];
    for (let i = 0; i < keys.length; i++) {
      for (let j = 0; j < keys.length; j++) {
        expect(Math.sign(compareInternalKeys(keys[i] as Uint8Array, keys[j] as Uint8Array))).toBe(Math.sign(i - j));
      }
    }
  });

  it('seekKeyFor is the smallest key visible at readTs; lastInternalKeyFor is above every version', () => {
    const seek = seekKeyFor(b('k'), 10);
    expect(compareInternalKeys(seek, encodeInternalKey(b('k'), 11, KIND_POINTER))).toBeGreaterThan(0);
    expect(compareInternalKeys(seek, encodeInternalKey(b('k'), 10, KIND_TOMBSTONE))).toBe(0);
    expect(compareInternalKeys(seek, encodeInternalKey(b('k'), 10, KIND_VALUE))).toBeLessThan(0);
    const last = lastInternalKeyFor(b('k'));
    expect(compareInternalKeys(last, encodeInternalKey(b('k'), 1, KIND_POINTER))).toBeGreaterThan(0);
    expect(compareInternalKeys(last, encodeInternalKey(b('k\x00'), TS_MAX, KIND_TOMBSTONE))).toBeLessThan(0);
  });

  it('compareRanges agrees with Buffer.compare, short (JS loop) and long (native) ranges', () => {
    const rng = new Prng(testSeed('compareRanges'));
    for (let i = 0; i < 2000; i++) {
      const len = rng.int(2) === 0 ? rng.int(10) : 60 + rng.int(80);
      const a = rng.bytes(len, 3);
      const c = rng.int(3) === 0 ? Buffer.from(a.subarray(0, rng.int(len + 1))) : rng.bytes(rng.int(len + 2), 3);
      const pad = Buffer.concat([b('xx'), a, b('yy')]);
      expect(Math.sign(compareRanges(pad, 2, 2 + a.length, c, 0, c.length))).toBe(Math.sign(Buffer.compare(a, c)));
    }
  });
});
