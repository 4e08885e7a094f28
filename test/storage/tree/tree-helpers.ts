/**
 * Shared helpers of the storage-tree tests: a seeded PRNG (SEED=… replays), a model of versioned
 * entries, and an in-memory RandomAccessSource.
 */
import { compareInternalKeys, encodeInternalKey, KIND_MAX, KIND_TOMBSTONE } from '../../../src/storage/internal-key.js';
import type { RandomAccessSource } from '../../../src/storage/table-reader.js';

/** Seed from SEED or random; printed so a failure can be replayed. */
export function testSeed(name: string): number {
  const env = process.env['SEED'];
  const seed = env !== undefined && env !== '' ? Number(env) >>> 0 : (Math.random() * 0x1_0000_0000) >>> 0;
  console.log(`${name}: SEED=${seed}`);
  return seed;
}

/** mulberry32: small, fast, deterministic. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }
  bytes(length: number, alphabet = 256): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.int(alphabet);
    return out;
  }
}

export interface ModelEntry {
  readonly userKey: Buffer;
  readonly ts: number;
  readonly kind: number;
  readonly value: Buffer;
  readonly ikey: Uint8Array;
}

export function modelEntry(userKey: Buffer, ts: number, kind: number, value: Buffer): ModelEntry {
  return { userKey, ts, kind, value, ikey: encodeInternalKey(userKey, ts, kind) };
}

/** Random versioned entries over a small key space (so keys have several versions), unique ikeys, sorted. */
export function randomEntries(
  rng: Prng,
  count: number,
  opts: { keySpace?: number; tsMax?: number; valueBytesMax?: number; longKeys?: boolean } = {},
): ModelEntry[] {
  const keySpace = opts.keySpace ?? 50;
  const tsMax = opts.tsMax ?? 100;
  const valueBytesMax = opts.valueBytesMax ?? 20;
  const keys: Buffer[] = [];
  // Short keys over a small alphabet: shared prefixes, keys that are prefixes of others, the empty key.
  // longKeys: the same behind a long common prefix (past every 32/64-byte fast path), sometimes longer still.
  const prefix = opts.longKeys === true ? rng.bytes(60 + rng.int(40), 2) : Buffer.alloc(0);
  for (let i = 0; i < keySpace; i++) {
    const tail = rng.bytes(opts.longKeys === true && rng.int(4) === 0 ? 100 + rng.int(200) : rng.int(6), 4);
    keys.push(Buffer.concat([prefix.subarray(0, rng.int(prefix.length + 1)), tail]));
  }
  const seen = new Set<string>();
  const out: ModelEntry[] = [];
  for (let i = 0; i < count * 2 && out.length < count; i++) {
    const userKey = keys[rng.int(keySpace)] as Buffer;
    const ts = 1 + rng.int(tsMax);
    const id = `${userKey.toString('hex')}/${ts}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const kind = rng.int(5) === 0 ? KIND_TOMBSTONE : 1 + rng.int(KIND_MAX);
    out.push(modelEntry(userKey, ts, kind, kind === KIND_TOMBSTONE ? Buffer.alloc(0) : rng.bytes(rng.int(valueBytesMax + 1))));
  }
  return sortEntries(out);
}

export function sortEntries(entries: ModelEntry[]): ModelEntry[] {
  return entries.sort((a, b) => compareInternalKeys(a.ikey, b.ikey));
}

/** Model lookup: newest version of userKey with ts <= readTs (tombstones included). */
export function modelGet(sorted: readonly ModelEntry[], userKey: Buffer, readTs: number): ModelEntry | undefined {
  let best: ModelEntry | undefined;
  for (const e of sorted) {
    if (e.ts <= readTs && e.userKey.equals(userKey) && (best === undefined || e.ts > best.ts)) best = e;
  }
  return best;
}

/** Model snapshot at readTs: [userKey, entry] of every key whose newest visible version is not a tombstone. */
export function modelSnapshot(sorted: readonly ModelEntry[], readTs: number): ModelEntry[] {
  const out: ModelEntry[] = [];
  let i = 0;
  while (i < sorted.length) {
    const key = (sorted[i] as ModelEntry).userKey;
    let visible: ModelEntry | undefined;
    for (; i < sorted.length && (sorted[i] as ModelEntry).userKey.equals(key); i++) {
      const e = sorted[i] as ModelEntry;
      if (visible === undefined && e.ts <= readTs) visible = e;
    }
    if (visible !== undefined && visible.kind !== KIND_TOMBSTONE) out.push(visible);
  }
  return out;
}

export class MemorySource implements RandomAccessSource {
  readonly size: number;
  reads = 0;
  constructor(
    readonly data: Uint8Array,
    readonly path = 'mem.sst',
  ) {
    this.size = data.length;
  }
  read(offset: number, length: number): Uint8Array {
    this.reads++;
    const start = Math.min(offset, this.size);
    return this.data.slice(start, Math.min(start + length, this.size));
  }
}

export function hex(data: Uint8Array): string {
  return Buffer.from(data).toString('hex');
}

/** A random probe internal key: an existing one or a nearby made-up one. */
export function probeKey(rng: Prng, entries: readonly ModelEntry[]): Uint8Array {
  const e = entries[rng.int(Math.max(entries.length, 1))];
  if (e !== undefined && rng.int(2) === 0) return e.ikey;
  const userKey = e !== undefined && rng.int(2) === 0 ? e.userKey : rng.bytes(rng.int(6), 4);
  return encodeInternalKey(userKey, 1 + rng.int(110), rng.int(KIND_MAX + 1));
}

function lowerBoundIndex(entries: readonly ModelEntry[], ikey: Uint8Array): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareInternalKeys((entries[mid] as ModelEntry).ikey, ikey) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Drives `it` with random seeks and moves and checks every position against the sorted model.
 * Returns the number of checked positions.
 */
export function checkAgainstModel(
  it: import('../../../src/storage/internal-iterator.js').InternalIterator,
  entries: readonly ModelEntry[],
  rng: Prng,
  steps: number,
): number {
  let pos = -1; // model index; -1 or entries.length = invalid
  let checks = 0;
  for (let step = 0; step < steps; step++) {
    const op = rng.int(pos >= 0 && pos < entries.length ? 6 : 4);
    if (op === 0) {
      it.seekToFirst();
      pos = 0;
    } else if (op === 1) {
      it.seekToLast();
      pos = entries.length - 1;
    } else if (op === 2) {
      const k = probeKey(rng, entries);
      it.seek(k);
      pos = lowerBoundIndex(entries, k);
    } else if (op === 3) {
      const k = probeKey(rng, entries);
      it.seekForPrev(k);
      const lb = lowerBoundIndex(entries, k);
      pos = lb < entries.length && compareInternalKeys((entries[lb] as ModelEntry).ikey, k) === 0 ? lb : lb - 1;
    } else if (op === 4) {
      it.next();
      pos++;
    } else {
      it.prev();
      pos--;
    }
    if (pos >= entries.length) pos = -1;
    const expected = entries[pos];
    if (expected === undefined) {
      if (it.valid()) throw new Error(`step ${step} op ${op}: expected invalid, got ${hex(it.key())}`);
    } else {
      if (!it.valid()) throw new Error(`step ${step} op ${op}: expected ${hex(expected.ikey)}, got invalid`);
      if (hex(it.key()) !== hex(expected.ikey)) throw new Error(`step ${step} op ${op}: expected key ${hex(expected.ikey)}, got ${hex(it.key())}`);
      if (hex(it.value()) !== hex(expected.value)) throw new Error(`step ${step} op ${op}: wrong value for ${hex(expected.ikey)}`);
    }
    checks++;
  }
  return checks;
}
