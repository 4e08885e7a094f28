/**
 * Cache-line-blocked Bloom filter over user keys (docs/format.md, "SSTable › Filter block"), in the
 * style of RocksDB's FastLocalBloom: a key's k probes all fall in one 64-byte line, so a lookup costs
 * one cache miss instead of k.
 *
 *   filter = line (64 bytes) * lines ‖ k (1 byte)
 *   line of key   = floor(h · lines / 2^32)            h = bloomHash(userKey)
 *   probe j bit   = top 9 bits of x_j, x_0 = lineHash(h), x_{j+1} = x_j · 0x9e3779b9 (mod 2^32)
 *   bit b of a line is byte b >> 3, mask 1 << (b & 7)
 *
 * Invariants:
 * - bloomMayContain is false only for keys that were not added (no false negatives).
 * - lines = max(1, ceil(keys · bitsPerKey / 512)); k = round(bitsPerKey · ln 2) clamped to 1..30;
 *   ~1% false positives at 10 bits per key (measured in the tests).
 * - A filter whose size is not a whole number of lines or whose k byte is outside 1..30 matches
 *   everything (reserved for other encodings), so it can never cause a wrong answer.
 */

const SEED = 0xbc9f1d34;
const M = 0xc6a4a793;
export const BLOOM_PROBES_MAX = 30;
const TWO_POW_MINUS_32 = 1 / 0x1_0000_0000;
/** The filter is an array of 64-byte lines (one CPU cache line); all probes of a key hit one line. */
const LINE_BYTES = 64;
const LINE_BITS = LINE_BYTES * 8;
export const BLOOM_BITS_PER_KEY_MAX = 64;

/** 32-bit hash of data[start..end) (LevelDB's Hash, with murmur3's finalizer for better mixing). */
export function bloomHash(data: Uint8Array, start = 0, end = data.length): number {
  const n = end - start;
  let h = (SEED ^ Math.imul(n, M)) >>> 0;
  let p = start;
  const limit = start + (n & ~3);
  for (; p < limit; p += 4) {
    const w = (data[p] as number) | ((data[p + 1] as number) << 8) | ((data[p + 2] as number) << 16) | ((data[p + 3] as number) << 24);
    h = Math.imul((h + w) | 0, M);
    h ^= h >>> 16;
  }
  const rest = end - p;
  if (rest > 0) {
    if (rest === 3) h = (h + ((data[p + 2] as number) << 16)) | 0;
    if (rest >= 2) h = (h + ((data[p + 1] as number) << 8)) | 0;
    h = Math.imul((h + (data[p] as number)) | 0, M);
    h ^= h >>> 24;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Number of probes for `bitsPerKey`. */
export function bloomProbes(bitsPerKey: number): number {
  const k = Math.round(bitsPerKey * 0.69);
  return k < 1 ? 1 : k > BLOOM_PROBES_MAX ? BLOOM_PROBES_MAX : k;
}

/** Second, independent hash of h: picks the bits inside the cache line. */
function lineHash(h: number): number {
  let x = Math.imul(h ^ 0x5bd1e995, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca77);
  x ^= x >>> 13;
  return x | 0;
}

/**
 * Builds a filter over `keys`: user keys, or their bloomHash values (`count` of them when a
 * larger scratch array is passed).
 */
export function buildBloom(keys: readonly Uint8Array[] | Uint32Array, bitsPerKey: number, count = keys.length): Uint8Array {
  const k = bloomProbes(bitsPerKey);
  const lines = Math.max(1, Math.ceil((count * bitsPerKey) / LINE_BITS));
  const bytes = lines * LINE_BYTES;
  const filter = new Uint8Array(bytes + 1);
  filter[bytes] = k;
  for (let i = 0; i < count; i++) {
    const key = keys[i] as Uint8Array | number;
    const h = typeof key === 'number' ? key : bloomHash(key);
    const base = Math.floor(h * lines * TWO_POW_MINUS_32) * LINE_BYTES;
    let x = lineHash(h);
    for (let j = 0; j < k; j++) {
      const bit = x >>> 23; // top 9 bits: 0..511
      filter[base + (bit >>> 3)] = (filter[base + (bit >>> 3)] as number) | (1 << (bit & 7));
      x = Math.imul(x, 0x9e3779b9);
    }
  }
  return filter;
}

/** False only if `userKey` was certainly not added to `filter`. */
export function bloomMayContain(filter: Uint8Array, userKey: Uint8Array): boolean {
  return bloomMayContainHash(filter, bloomHash(userKey));
}

/** As bloomMayContain, for a precomputed bloomHash. */
export function bloomMayContainHash(filter: Uint8Array, hash: number): boolean {
  const bytes = filter.length - 1;
  if (bytes < LINE_BYTES || bytes % LINE_BYTES !== 0) return true;
  const k = filter[bytes] as number;
  if (k < 1 || k > BLOOM_PROBES_MAX) return true;
  const base = Math.floor(hash * (bytes / LINE_BYTES) * TWO_POW_MINUS_32) * LINE_BYTES;
  let x = lineHash(hash);
  for (let j = 0; j < k; j++) {
    const bit = x >>> 23;
    if (((filter[base + (bit >>> 3)] as number) & (1 << (bit & 7))) === 0) return false;
    x = Math.imul(x, 0x9e3779b9);
  }
  return true;
}
