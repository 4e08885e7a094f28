import { describe, expect, it } from 'vitest';
import { fromKeyString, keyStringEquals, toKeyString } from '../../src/mvcc/key-string.js';

describe('key strings', () => {
  const every = Uint8Array.from({ length: 256 }, (_v, i) => i);

  it('map every byte to one code unit, for plain arrays and views at an offset', () => {
    const text = toKeyString(every);
    expect(text.length).toBe(256);
    for (let i = 0; i < 256; i++) expect(text.charCodeAt(i)).toBe(i);
    const view = new Uint8Array(every.buffer, 200, 20);
    expect(toKeyString(view)).toBe(text.slice(200, 220));
    expect(toKeyString(Buffer.from(every).subarray(3, 9))).toBe(text.slice(3, 9));
    expect(toKeyString(new Uint8Array(0))).toBe('');
    expect(Buffer.from(fromKeyString(text)).equals(Buffer.from(every))).toBe(true);
  });

  it('keyStringEquals compares a key string with bytes', () => {
    const key = new Uint8Array([0, 255, 128, 7]);
    const text = toKeyString(key);
    expect(keyStringEquals(text, key)).toBe(true);
    expect(keyStringEquals(text, new Uint8Array([0, 255, 128, 8]))).toBe(false);
    expect(keyStringEquals(text, new Uint8Array([0, 255, 128]))).toBe(false);
    expect(keyStringEquals('', new Uint8Array(0))).toBe(true);
  });
});
