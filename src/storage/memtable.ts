/**
 * The memtable: the newest writes, sorted by internal key, in memory.
 *
 * A skiplist whose nodes are slots in typed arrays (next pointers, lengths, ts, kind) and whose key
 * and value bytes live in an append-only arena of large chunks, so the memtable holds no JS object
 * per entry (no GC pressure) and comparisons read the arena in place.
 *
 * Invariants:
 * - Entries are ordered by compareInternalKeys on (userKey, ts, kind); one entry per triple — adding
 *   an existing triple replaces its value (idempotent replay).
 * - Arena bytes are never modified after they are written, so views handed out (get().value,
 *   iterator value()) stay valid and unchanged for the memtable's lifetime.
 * - Adds may happen while iterators are open. Iterators see a live view: a node never moves or
 *   disappears, so a position stays valid; entries added ahead of the position are visited, entries
 *   added behind it are not (like LevelDB's skiplist).
 * - Level-0 links are doubly linked (prev0) so prev() is O(1).
 */
import { assert } from '../util/assert.js';
import type { InternalIterator } from './internal-iterator.js';
import { ScratchViews } from './block-scratch.js';
import { compareRanges, userKeyHead, KIND_MAX, type KeyVersion, readTrailerTs, TRAILER_BYTES, TS_MAX, writeTrailer } from './internal-key.js';

const HEIGHT_MAX = 12;
const NIL = -1;
const HEAD = 0;
const CHUNK_BYTES = 256 * 1024;
/** A key+value at least this big gets a dedicated arena chunk. */
const DEDICATED_BYTES_MIN = CHUNK_BYTES / 4;
/** Bytes of typed-array state per node (~1.33 next pointers, link base, prev0, 6 offsets/lengths, head, ts, kind). */
const NODE_BYTES = 6 + 4 + 4 + 6 * 4 + 4 + 8 + 1;
const INITIAL_CAPACITY = 1024;

/** What Memtable.get returns. */
export type MemtableEntry = KeyVersion;

export class Memtable {
  private capacity = INITIAL_CAPACITY;
  /** Next pointers of all nodes; node n's levels are at linkBase[n] .. linkBase[n] + height − 1. */
  private nextLinks = new Int32Array(INITIAL_CAPACITY * 2).fill(NIL);
  private linkBase = new Int32Array(INITIAL_CAPACITY);
  private linksUsed = HEIGHT_MAX; // the head owns slots 0 .. HEIGHT_MAX − 1
  /** Level-0 back links (HEAD for the first node). */
  private prev0 = new Int32Array(INITIAL_CAPACITY);
  /** Per-node arena addressing of key and value bytes. */
  private keyChunk = new Int32Array(INITIAL_CAPACITY);
  private keyOff = new Int32Array(INITIAL_CAPACITY);
  private keyLen = new Int32Array(INITIAL_CAPACITY);
  private valChunk = new Int32Array(INITIAL_CAPACITY);
  private valOff = new Int32Array(INITIAL_CAPACITY);
  private valLen = new Int32Array(INITIAL_CAPACITY);
  /** First 4 key bytes big-endian, zero padded: most comparisons end here. */
  private keyHead = new Uint32Array(INITIAL_CAPACITY);
  private tsOf = new Float64Array(INITIAL_CAPACITY);
  private kindOf = new Uint8Array(INITIAL_CAPACITY);
  private readonly chunks: Uint8Array[] = [];
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkPos = 0;
  private arenaBytes = 0;

  private nodes = 1; // node 0 is the head
  private height = 1;
  /** Last node at level 0 (HEAD when empty). */
  private tail = HEAD;
  private readonly splice = new Int32Array(HEIGHT_MAX);
  /** keyHead of the key being searched (set by findGreaterOrEqual before comparing) */
  private searchHead = 0;
  private rng = 0x2545f491;

  private entryCount = 0;
  private tsMin = 0;
  private tsMax = 0;

  /** Entries held. */
  get count(): number {
    return this.entryCount;
  }
  /** Smallest ts added (0 when empty). */
  get minTs(): number {
    return this.tsMin;
  }
  /** Largest ts added (0 when empty). */
  get maxTs(): number {
    return this.tsMax;
  }
  /** Memory held: arena bytes in use plus the per-node index arrays. */
  get approximateBytes(): number {
    return this.arenaBytes + this.nodes * NODE_BYTES;
  }

  /** @internal successor of `node` at level 0 (NIL at the end) */
  nextOf(node: number): number {
    return this.nextLinks[this.linkBase[node] as number] as number;
  }

  /** @internal predecessor of `node` at level 0 (NIL before the first) */
  prevOf(node: number): number {
    const before = this.prev0[node] as number;
    return before === HEAD ? NIL : before;
  }

  /** @internal first node (NIL when empty) */
  firstNode(): number {
    return this.nextOf(HEAD);
  }

  /** @internal last node (NIL when empty) */
  lastNode(): number {
    return this.tail === HEAD ? NIL : this.tail;
  }

  /** Adds (or replaces) the version (userKey, ts, kind) → value. Key and value are copied. */
  add(userKey: Uint8Array, ts: number, kind: number, value: Uint8Array): void {
    assert(Number.isInteger(ts) && ts >= 1 && ts <= TS_MAX, `ts out of range: ${ts}`);
    assert(kind >= 0 && kind <= KIND_MAX, `kind out of range: ${kind}`);
    const found = this.findGreaterOrEqual(userKey, 0, userKey.length, ts, kind, this.splice);
    if (found !== NIL && this.compareNode(found, userKey, 0, userKey.length, ts, kind) === 0) {
      this.storeValue(found, value);
      return;
    }
    const node = this.allocNode();
    this.storeKey(node, userKey);
    this.storeValue(node, value);
    this.tsOf[node] = ts;
    this.kindOf[node] = kind;
    this.link(node);
    this.entryCount++;
    if (this.entryCount === 1 || ts < this.tsMin) this.tsMin = ts;
    if (ts > this.tsMax) this.tsMax = ts;
  }

  /** The newest version of userKey with ts <= readTs (tombstones included), or undefined. */
  get(userKey: Uint8Array, readTs: number): MemtableEntry | undefined {
    const ts = readTs > TS_MAX ? TS_MAX : readTs;
    const node = this.findGreaterOrEqual(userKey, 0, userKey.length, ts, 0, undefined);
    if (node === NIL) return undefined;
    const kc = this.chunks[this.keyChunk[node] as number] as Uint8Array;
    const ko = this.keyOff[node] as number;
    if (compareRanges(kc, ko, ko + (this.keyLen[node] as number), userKey, 0, userKey.length) !== 0) return undefined;
    return { kind: this.kindOf[node] as number, value: this.valueView(node), ts: this.tsOf[node] as number };
  }

  /** An iterator over all entries; see the module comment for its view of concurrent adds. */
  iterator(): InternalIterator {
    return new MemtableIterator(this);
  }

  /** @internal the value of `node` as a view into the arena */
  valueView(node: number): Uint8Array {
    const vo = this.valOff[node] as number;
    return (this.chunks[this.valChunk[node] as number] as Uint8Array).subarray(vo, vo + (this.valLen[node] as number));
  }

  /** @internal writes the internal key of `node` into `target` (which must have room) */
  writeInternalKey(node: number, target: Uint8Array): number {
    const ko = this.keyOff[node] as number;
    const kl = this.keyLen[node] as number;
    const chunk = this.chunks[this.keyChunk[node] as number] as Uint8Array;
    if (kl <= 32) {
      for (let i = 0; i < kl; i++) target[i] = chunk[ko + i] as number;
    } else {
      target.set(chunk.subarray(ko, ko + kl), 0);
    }
    writeTrailer(target, kl, this.tsOf[node] as number, this.kindOf[node] as number);
    return kl + TRAILER_BYTES;
  }

  /** @internal key length of `node` */
  keyLength(node: number): number {
    return this.keyLen[node] as number;
  }

  /**
   * @internal orders node against (key[start..end), ts, kind) by internal-key order. Only valid
   * right after findGreaterOrEqual/seekNode for the same key (it uses that search's keyHead).
   */
  compareNode(node: number, key: Uint8Array, start: number, end: number, ts: number, kind: number): number {
    const head = this.keyHead[node] as number;
    const searchHead = this.searchHead;
    if (head !== searchHead) return head < searchHead ? -1 : 1;
    const ko = this.keyOff[node] as number;
    const kc = this.chunks[this.keyChunk[node] as number] as Uint8Array;
    const c = compareRanges(kc, ko, ko + (this.keyLen[node] as number), key, start, end);
    if (c !== 0) return c;
    const nts = this.tsOf[node] as number;
    if (nts !== ts) return nts > ts ? -1 : 1;
    return (this.kindOf[node] as number) - kind;
  }

  /** @internal first node >= the key (NIL if none); fills `splice` with the last node < key per level. */
  findGreaterOrEqual(
    key: Uint8Array,
    start: number,
    end: number,
    ts: number,
    kind: number,
    splice: Int32Array | undefined,
  ): number {
    this.searchHead = userKeyHead(key, start, end);
    let node = HEAD;
    let level = this.height - 1;
    const links = this.nextLinks;
    const base = this.linkBase;
    for (;;) {
      const next = links[(base[node] as number) + level] as number;
      if (next !== NIL && this.compareNode(next, key, start, end, ts, kind) < 0) {
        node = next;
        continue;
      }
      if (splice !== undefined) splice[level] = node;
      if (level === 0) return next;
      level--;
    }
  }

  /** @internal first node >= the internal key `ikey` (NIL if none) */
  seekNode(ikey: Uint8Array): number {
    const userEnd = ikey.length - TRAILER_BYTES;
    return this.findGreaterOrEqual(ikey, 0, userEnd, readTrailerTs(ikey, userEnd), ikey[ikey.length - 1] as number, undefined);
  }

  private link(node: number): void {
    const h = this.randomHeight();
    if (h > this.height) {
      for (let l = this.height; l < h; l++) this.splice[l] = HEAD;
      this.height = h;
    }
    if (this.linksUsed + h > this.nextLinks.length) {
      const grown = new Int32Array(this.nextLinks.length * 2).fill(NIL);
      grown.set(this.nextLinks);
      this.nextLinks = grown;
    }
    const nodeBase = this.linksUsed;
    this.linksUsed += h;
    this.linkBase[node] = nodeBase;
    const links = this.nextLinks;
    for (let l = 0; l < h; l++) {
      const at = (this.linkBase[this.splice[l] as number] as number) + l;
      links[nodeBase + l] = links[at] as number;
      links[at] = node;
    }
    const after = links[nodeBase] as number;
    this.prev0[node] = this.splice[0] as number;
    if (after === NIL) this.tail = node;
    else this.prev0[after] = node;
  }

  private randomHeight(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x;
    let h = 1;
    // Each level with probability 1/4: consume two bits per level.
    while (h < HEIGHT_MAX && (x & 3) === 0) {
      h++;
      x >>>= 2;
    }
    return h;
  }

  private allocNode(): number {
    if (this.nodes === this.capacity) this.grow();
    return this.nodes++;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    this.linkBase = growInt32(this.linkBase, cap);
    this.prev0 = growInt32(this.prev0, cap);
    this.keyChunk = growInt32(this.keyChunk, cap);
    this.keyOff = growInt32(this.keyOff, cap);
    this.keyLen = growInt32(this.keyLen, cap);
    this.valChunk = growInt32(this.valChunk, cap);
    this.valOff = growInt32(this.valOff, cap);
    this.valLen = growInt32(this.valLen, cap);
    const heads = new Uint32Array(cap);
    heads.set(this.keyHead);
    this.keyHead = heads;
    const ts = new Float64Array(cap);
    ts.set(this.tsOf);
    this.tsOf = ts;
    const kinds = new Uint8Array(cap);
    kinds.set(this.kindOf);
    this.kindOf = kinds;
    this.capacity = cap;
  }

  private storeKey(node: number, key: Uint8Array): void {
    const off = this.reserve(key.length);
    this.chunk.set(key, off);
    this.keyChunk[node] = this.chunks.length - 1;
    this.keyOff[node] = off;
    this.keyLen[node] = key.length;
    this.keyHead[node] = userKeyHead(key, 0, key.length);
  }

  private storeValue(node: number, value: Uint8Array): void {
    const off = this.reserve(value.length);
    this.chunk.set(value, off);
    this.valChunk[node] = this.chunks.length - 1;
    this.valOff[node] = off;
    this.valLen[node] = value.length;
  }

  /** Reserves `bytes` in the current chunk (the last of `chunks`), starting a new one if needed. */
  private reserve(bytes: number): number {
    this.arenaBytes += bytes;
    if (this.chunks.length > 0 && this.chunkPos + bytes <= this.chunk.length) {
      const off = this.chunkPos;
      this.chunkPos += bytes;
      return off;
    }
    const size = bytes >= DEDICATED_BYTES_MIN ? bytes : CHUNK_BYTES;
    this.chunk = new Uint8Array(size);
    this.chunks.push(this.chunk);
    this.chunkPos = bytes;
    return 0;
  }
}

function growInt32(source: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(capacity);
  out.set(source);
  return out;
}

/**
 * Cursor over a Memtable. key() is a view of a scratch buffer valid until the next move; views are
 * cached per key length (ScratchViews), so walking keys allocates nothing.
 */
class MemtableIterator implements InternalIterator {
  private node = NIL;
  private readonly scratch = new ScratchViews();
  private keyView: Uint8Array | undefined;

  constructor(private readonly table: Memtable) {}

  valid(): boolean {
    return this.node !== NIL;
  }
  seekToFirst(): void {
    this.moveTo(this.table.firstNode());
  }
  seekToLast(): void {
    this.moveTo(this.table.lastNode());
  }
  seek(ikey: Uint8Array): void {
    this.moveTo(this.table.seekNode(ikey));
  }
  seekForPrev(ikey: Uint8Array): void {
    const t = this.table;
    const ge = t.seekNode(ikey);
    const userEnd = ikey.length - TRAILER_BYTES;
    if (ge !== NIL && t.compareNode(ge, ikey, 0, userEnd, readTrailerTs(ikey, userEnd), ikey[ikey.length - 1] as number) === 0) {
      this.moveTo(ge);
      return;
    }
    this.moveTo(ge === NIL ? t.lastNode() : t.prevOf(ge));
  }
  next(): void {
    assert(this.node !== NIL, 'next() on an invalid iterator');
    this.moveTo(this.table.nextOf(this.node));
  }
  prev(): void {
    assert(this.node !== NIL, 'prev() on an invalid iterator');
    this.moveTo(this.table.prevOf(this.node));
  }
  key(): Uint8Array {
    assert(this.node !== NIL, 'key() on an invalid iterator');
    if (this.keyView === undefined) {
      const n = this.table.keyLength(this.node) + TRAILER_BYTES;
      this.table.writeInternalKey(this.node, this.scratch.reserve(n));
      this.keyView = this.scratch.view(n);
    }
    return this.keyView;
  }
  value(): Uint8Array {
    assert(this.node !== NIL, 'value() on an invalid iterator');
    return this.table.valueView(this.node);
  }
  close(): void {
    this.node = NIL;
  }
  private moveTo(node: number): void {
    this.node = node;
    this.keyView = undefined;
  }
}
