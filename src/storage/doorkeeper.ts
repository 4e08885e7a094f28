/**
 * A doorkeeper (TinyLFU's): a bitset of user-key hashes seen in the current window, so that a
 * cache admits only keys asked for more than once lately. A workload that reads each key once (a
 * scan of a large table, uniform reads over a data set far larger than the cache, a bulk load
 * written through) then passes by without evicting the hot entries or churning memory.
 *
 * Invariants:
 * - remember(key) is true when the key's bit was set in this window (or by a colliding key: a
 *   false positive only admits an entry, it never returns wrong data), and sets it.
 * - A window ends when half the bits are set: every bit is cleared, so the false-positive rate
 *   stays below one half and keys not asked for since age out.
 */
import { assert } from '../util/assert.js';

export class Doorkeeper {
  private readonly words: Uint32Array;
  private readonly mask: number;
  private setBits = 0;

  /** `bits`: a power of two. */
  constructor(bits: number) {
    assert(Number.isInteger(Math.log2(bits)) && bits >= 32, 'bits must be a power of two >= 32');
    this.words = new Uint32Array(bits / 32);
    this.mask = bits - 1;
  }

  /** Whether `key` (its bytes [start, end)) was seen in this window; marks it seen. */
  remember(key: Uint8Array, start = 0, end = key.length): boolean {
    const bit = fnv1a32(key, start, end) & this.mask;
    const word = bit >>> 5;
    const flag = 1 << (bit & 31);
    const value = this.words[word] as number;
    if ((value & flag) !== 0) return true;
    if (this.setBits * 2 >= this.mask + 1) {
      this.words.fill(0);
      this.setBits = 0;
    }
    this.words[word] = (this.words[word] as number) | flag;
    this.setBits++;
    return false;
  }
}

/** FNV-1a, 32 bits. */
function fnv1a32(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return hash >>> 0;
}
