/**
 * Cache-line-blocked Bloom filter over user keys (docs/format.md, "SSTable › Filter block"), in the
 * style of RocksDB's FastLocalBloom: a key's k probes all fall in one 64-byte line, so a lookup costs
 * one cache miss instead of k.
 *
 *   filter = line (64 bytes) * lines ‖ tag (1 byte)      tag = k | HASH_V2 (k in 1..30)
 *   line of key   = floor(h · lines / 2^32)            h = bloomHash(userKey)
 *   probe j bit   = top 9 bits of x_j, x_0 = lineHash(h), x_{j+1} = x_j · 0x9e3779b9 (mod 2^32)
 *   bit b of a line is byte b >> 3, mask 1 << (b & 7)
 *
 * bloomHash is murmur3's 32-bit hash. Filters written before it (tag = k, no HASH_V2 bit) were
 * built with legacyBloomHash (LevelDB's Hash with murmur3's finalizer), which collides for keys
 * that differ in more than one 4-byte word — 6.5 % of a million zero-padded decimal keys share a
 * hash with another, against ~0.01 % for a random 32-bit hash — so an absent key whose hash
 * equals a present key's passed every filter holding that key (measured: 3 % false positives at
 * 10 bits per key instead of 1 %, and each one a data-block read). Those filters are still read
 * with the hash they were built with.
 *
 * Invariants:
 * - bloomMayContain is false only for keys that were not added (no false negatives), for filters
 *   of either hash.
 * - lines = max(1, ceil(keys · bitsPerKey / 512)); k = round(bitsPerKey · ln 2) clamped to 1..30;
 *   ~1% false positives at 10 bits per key (measured in the tests).
 * - A filter whose size is not a whole number of lines or whose tag is neither k nor k | HASH_V2
 *   with k in 1..30 matches everything (reserved for other encodings), so it can never cause a
 *   wrong answer — and a reader that predates HASH_V2 reads a new filter as matching everything.
 */

const SEED = 0xbc9f1d34;
const M = 0xc6a4a793;
export const BLOOM_PROBES_MAX = 30;
const TWO_POW_MINUS_32 = 1 / 0x1_0000_0000;
/** The filter is an array of 64-byte lines (one CPU cache line); all probes of a key hit one line. */
const LINE_BYTES = 64;
const LINE_BITS = LINE_BYTES * 8;
export const BLOOM_BITS_PER_KEY_MAX = 64;
/** Bit of the filter's tag byte: the filter was built with bloomHash (murmur3), not legacyBloomHash. */
const HASH_V2 = 0x40;

/** 32-bit hash of data[start..end): murmur3_x86_32 with seed SEED (the hash of filters tagged HASH_V2). */
export function bloomHash(data: Uint8Array, start = 0, end = data.length): number {
  let h = SEED;
  let p = start;
  const limit = start + ((end - start) & ~3);
  for (; p < limit; p += 4) {
    const w = (data[p] as number) | ((data[p + 1] as number) << 8) | ((data[p + 2] as number) << 16) | ((data[p + 3] as number) << 24);
    h ^= mixWord(w);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = end - p;
  if (rest > 0) {
    let w = 0;
    if (rest === 3) w ^= (data[p + 2] as number) << 16;
    if (rest >= 2) w ^= (data[p + 1] as number) << 8;
    w ^= data[p] as number;
    h ^= mixWord(w);
  }
  return fmix32(h ^ (end - start));
}

/** murmur3's 32-bit finalizer (avalanche of every bit), as an unsigned number. */
function fmix32(x: number): number {
  let h = x ^ (x >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** murmur3's per-word scramble (a bijection of the word). */
function mixWord(w: number): number {
  let k = Math.imul(w, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

/** The hash of filters without the HASH_V2 tag bit: LevelDB's Hash with murmur3's finalizer. */
export function legacyBloomHash(data: Uint8Array, start = 0, end = data.length): number {
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
  return fmix32(h);
}

/**
 * Bits per key added to the filters of L0 tables. Every point read probes every L0 table (L0
 * tables overlap) but one table per deeper level, so a false positive in L0 is paid once per L0
 * table, and L0 holds a small share of the keys: the extra bits cost little memory and cut each
 * L0 table's false positives (each one a data-block read) from ~1 % to ~0.1 % (as Monkey's
 * allocation of more bits to smaller levels; measured in bench/kv/sweep-trace.ts: 5 % of the
 * governor sweep's reads did a second block read with 6–10 L0 tables at 10 bits per key).
 */
export const L0_BLOOM_EXTRA_BITS_PER_KEY = 6;

/** Bits per key of an L0 table's filter when other tables get `bitsPerKey` (0: no filter). */
export function l0BloomBitsPerKey(bitsPerKey: number): number {
  return bitsPerKey === 0 ? 0 : Math.min(BLOOM_BITS_PER_KEY_MAX, bitsPerKey + L0_BLOOM_EXTRA_BITS_PER_KEY);
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
  filter[bytes] = k | HASH_V2;
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
  return bloomMayContainHash(filter, bloomHash(userKey), userKey);
}

/**
 * As bloomMayContain, for a precomputed bloomHash(userKey) (hash once, probe many filters).
 * A filter built with legacyBloomHash is probed with that hash of `userKey` (true when not given).
 */
export function bloomMayContainHash(filter: Uint8Array, hash: number, userKey?: Uint8Array): boolean {
  const bytes = filter.length - 1;
  if (bytes < LINE_BYTES || bytes % LINE_BYTES !== 0) return true;
  const tag = filter[bytes] as number;
  if (tag > HASH_V2 && tag <= HASH_V2 + BLOOM_PROBES_MAX) return probeLine(filter, bytes, tag - HASH_V2, hash);
  if (tag < 1 || tag > BLOOM_PROBES_MAX || userKey === undefined) return true;
  return probeLine(filter, bytes, tag, legacyBloomHash(userKey));
}

/** The k probes of `hash` in its line of a filter of `bytes` bytes of lines. */
function probeLine(filter: Uint8Array, bytes: number, k: number, hash: number): boolean {
  const base = Math.floor(hash * (bytes / LINE_BYTES) * TWO_POW_MINUS_32) * LINE_BYTES;
  let x = lineHash(hash);
  for (let j = 0; j < k; j++) {
    const bit = x >>> 23;
    if (((filter[base + (bit >>> 3)] as number) & (1 << (bit & 7))) === 0) return false;
    x = Math.imul(x, 0x9e3779b9);
  }
  return true;
}
