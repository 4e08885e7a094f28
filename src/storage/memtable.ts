/**
 * The memtable: the newest writes, sorted by internal key, in memory.
 *
 * A skiplist whose nodes are variable-length records in one Int32Array and whose key and value
 * bytes live in an append-only arena of large chunks. The memtable holds no JS object per entry (no
 * GC pressure), and a search hop reads one record — the key head and next pointers sit together —
 * instead of several parallel arrays (fewer cache misses).
 *
 *   record = tsHigh ‖ tsLow ‖ kind ‖ keyChunk ‖ keyOffset ‖ keyLength ‖ valueChunk ‖
 *            valueOffset ‖ valueLength ‖ prev0 ‖ keyWord[0..3] ‖ next[0] … next[height − 1]
 *   (a node is the offset of its record; the head is the record at 0 with HEIGHT_MAX levels)
 *
 * Invariants:
 * - Entries are ordered by compareInternalKeys on (userKey, ts, kind); one entry per triple — adding
 *   an existing triple replaces its value (idempotent replay).
 * - keyWord[i] is userKeyHead of key bytes 4i..4i+4: the first 16 key bytes, zero padded, inline.
 *   Order-preserving, so most comparisons end without touching the arena even when keys share a
 *   long prefix (SQL keys start with table and index ids).
 * - lastAt[l] is the last node at level l (HEAD if none): an add after the current last entry (a
 *   sequential load) splices there after one comparison instead of searching.
 * - Arena bytes are never modified after they are written, so views handed out (get().value,
 *   iterator value()) stay valid and unchanged for the memtable's lifetime.
 * - Adds may happen while iterators are open. Iterators see a live view: a node never moves or
 *   disappears, so a position stays valid; entries added ahead of the position are visited, entries
 *   added behind it are not (like LevelDB's skiplist).
 * - Level-0 links are doubly linked (prev0) so prev() is O(1).
 * - A new version of a key already held shares that key's arena bytes; when it is the key's newest
 *   and gets height 1 (3 adds in 4), it is linked right before the key's previous newest version
 *   (found through `index`, its predecessor through prev0) without a skiplist search.
 * - `index` (MemtableHashIndex) maps each distinct user key to its first node (newest version):
 *   get() is a hash probe, then a short walk over the key's versions; only a key with more than
 *   VERSION_WALK_MAX versions newer than readTs falls back to the skiplist search.
 */
import { assert } from '../util/assert.js';
import { ScratchViews } from './block-scratch.js';
import { bloomHash } from './bloom.js';
import type { InternalIterator } from './internal-iterator.js';
import { MemtableHashIndex } from './memtable-hash-index.js';
import {
  compareRanges,
  FoundVersion,
  KIND_MAX,
  type KeyVersion,
  readTrailerTs,
  TRAILER_BYTES,
  TS_MAX,
  userKeyHead,
  writeTrailer,
} from './internal-key.js';

const HEIGHT_MAX = 12;
const NIL = -1;
const HEAD = 0;
// Record field offsets.
const R_TS_HI = 0;
const R_TS_LO = 1;
const R_KIND = 2;
const R_KEY_CHUNK = 3;
const R_KEY_OFF = 4;
const R_KEY_LEN = 5;
const R_VAL_CHUNK = 6;
const R_VAL_OFF = 7;
const R_VAL_LEN = 8;
const R_PREV = 9;
// The key words and the next pointers are last and adjacent: a search hop reads one cache line.
const R_WORD0 = 10;
const R_WORD1 = 11;
const R_WORD2 = 12;
const R_WORD3 = 13;
const R_NEXT = 14;
const TWO_POW_32 = 0x1_0000_0000;
const CHUNK_BYTES = 256 * 1024;
/** A key or value at least this big gets a dedicated arena chunk. */
const DEDICATED_BYTES_MIN = CHUNK_BYTES / 4;
const INITIAL_RECORD_INTS = 16 * 1024;
/** Versions of one key get() steps over (newer than readTs) before it searches the skiplist instead. */
const VERSION_WALK_MAX = 8;
/** Bytes per distinct key the hash index is charged (its slot array holds 16 to 32). */
const INDEX_BYTES_PER_KEY = 16;

/** What Memtable.get returns. */
export type MemtableEntry = KeyVersion;

export class Memtable {
  private rec = new Int32Array(INITIAL_RECORD_INTS);
  private recUsed = R_NEXT + HEIGHT_MAX;
  private readonly chunks: Uint8Array[] = [];
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkPos = 0;
  private arenaBytes = 0;
  private height = 1;
  /** Last node at level 0 (HEAD when empty). */
  private tail = HEAD;
  private readonly splice = new Int32Array(HEIGHT_MAX);
  private readonly lastAt = new Int32Array(HEIGHT_MAX); // all HEAD (0)
  /** keyWord 0..3 of the key being searched (set by setSearch). */
  private sw0 = 0;
  private sw1 = 0;
  private sw2 = 0;
  private sw3 = 0;
  private rng = 0x2545f491;
  private entryCount = 0;
  private tsMin = 0;
  private tsMax = 0;
  private readonly index = new MemtableHashIndex();

  constructor() {
    this.rec.fill(NIL, R_NEXT, R_NEXT + HEIGHT_MAX);
  }

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
  /**
   * Memory held: arena bytes in use (values replaced by a re-add stay counted), the node records
   * in use (~60 bytes per entry) and 16 bytes per distinct key for the hash index. The record array
   * and the index grow by doubling, so up to as much again may be allocated but unused.
   */
  get approximateBytes(): number {
    return this.arenaBytes + this.recUsed * 4 + this.index.size * INDEX_BYTES_PER_KEY;
  }

  /**
   * Adds (or replaces) the version (userKey, ts, kind) → value. Key and value are copied (a new
   * version of a key already held shares its key bytes in the arena).
   */
  add(userKey: Uint8Array, ts: number, kind: number, value: Uint8Array): void {
    // The messages are built only on failure: this runs for every write.
    if (!(Number.isInteger(ts) && ts >= 1 && ts <= TS_MAX)) assert(false, `ts out of range: ${ts}`);
    if (!(kind >= 0 && kind <= KIND_MAX)) assert(false, `kind out of range: ${kind}`);
    const end = userKey.length;
    this.setSearch(userKey, 0, end);
    const hash = bloomHash(userKey);
    const slot = this.slotOf(userKey, hash);
    const newest = this.index.nodeAt(slot);
    const h = this.randomHeight();
    let found = NIL;
    if (newest !== NIL && h === 1 && this.compareToSearch(newest, userKey, 0, end, ts, kind) > 0) {
      // A newer version of a key held: it goes right before the key's newest one at level 0.
      this.splice[0] = this.rec[newest + R_PREV] as number;
      found = newest;
    } else if (this.tail !== HEAD && this.compareToSearch(this.tail, userKey, 0, end, ts, kind) < 0) {
      this.splice.set(this.lastAt);
    } else {
      found = this.findGreaterOrEqual(userKey, 0, end, ts, kind, this.splice);
    }
    if (found !== NIL && this.compareToSearch(found, userKey, 0, end, ts, kind) === 0) {
      this.storeValue(found, value);
      return;
    }
    const node = this.allocRecord(h);
    const rec = this.rec;
    rec[node + R_WORD0] = this.sw0;
    rec[node + R_WORD1] = this.sw1;
    rec[node + R_WORD2] = this.sw2;
    rec[node + R_WORD3] = this.sw3;
    rec[node + R_TS_HI] = Math.floor(ts / TWO_POW_32);
    rec[node + R_TS_LO] = ts >>> 0;
    rec[node + R_KIND] = kind;
    if (newest === NIL) this.storeKey(node, userKey);
    else this.shareKey(node, newest);
    this.storeValue(node, value);
    this.link(node, h);
    this.indexNode(node, userKey, slot, hash);
    this.entryCount++;
    if (this.entryCount === 1 || ts < this.tsMin) this.tsMin = ts;
    if (ts > this.tsMax) this.tsMax = ts;
  }

  /** The index slot of userKey (setSearch first), or the empty slot its probe sequence ends at. */
  private slotOf(userKey: Uint8Array, hash: number): number {
    const index = this.index;
    const hash32 = hash | 0;
    for (let slot = index.firstSlot(hash); ; slot = index.nextSlot(slot)) {
      const node = index.nodeAt(slot);
      if (node === NIL || (index.hashAt(slot) === hash32 && this.sameUserKeyAsSearch(node, userKey, 0, userKey.length))) return slot;
    }
  }

  /**
   * The newest version of userKey with ts <= readTs (tombstones included), or undefined.
   * `userKeyHash` is bloomHash(userKey) (the read path hashes once for the memtables and the Bloom
   * filters). The value is a view into the arena: never modified, valid for as long as it is held.
   */
  get(userKey: Uint8Array, readTs: number, userKeyHash = bloomHash(userKey)): MemtableEntry | undefined {
    const found = new FoundVersion();
    return this.findInto(userKey, readTs, userKeyHash, found) ? found.toKeyVersion() : undefined;
  }

  /**
   * get() into `out` (true when found): nothing allocated. out.bytes is an arena chunk, never
   * modified, valid for as long as it is held.
   */
  findInto(userKey: Uint8Array, readTs: number, userKeyHash: number, out: FoundVersion): boolean {
    const ts = readTs > TS_MAX ? TS_MAX : readTs;
    const end = userKey.length;
    this.setSearch(userKey, 0, end);
    const index = this.index;
    const hash = userKeyHash | 0;
    for (let slot = index.firstSlot(userKeyHash); ; slot = index.nextSlot(slot)) {
      const node = index.nodeAt(slot);
      if (node === NIL) return false;
      if (index.hashAt(slot) === hash && this.sameUserKeyAsSearch(node, userKey, 0, end)) {
        const at = this.visibleFrom(node, userKey, ts);
        if (at === NIL) return false;
        const rec = this.rec;
        const valueOffset = rec[at + R_VAL_OFF] as number;
        const chunk = this.chunks[rec[at + R_VAL_CHUNK] as number] as Uint8Array;
        out.set(rec[at + R_KIND] as number, this.tsOf(at), chunk, valueOffset, valueOffset + (rec[at + R_VAL_LEN] as number));
        return true;
      }
    }
  }

  /** The first version at or after `node` (the key's newest) with ts <= `ts`, or NIL. */
  private visibleFrom(node: number, userKey: Uint8Array, ts: number): number {
    const rec = this.rec;
    let at = node;
    for (let i = 0; i < VERSION_WALK_MAX; i++) {
      if (this.tsOf(at) <= ts) return at;
      at = rec[at + R_NEXT] as number;
      if (at === NIL || !this.sameUserKeyAsSearch(at, userKey, 0, userKey.length)) return NIL;
    }
    at = this.findGreaterOrEqual(userKey, 0, userKey.length, ts, 0, undefined);
    return at !== NIL && this.sameUserKeyAsSearch(at, userKey, 0, userKey.length) ? at : NIL;
  }

  /** True when `node`'s user key is the searched key (key[start..end); setSearch first). */
  private sameUserKeyAsSearch(node: number, key: Uint8Array, start: number, end: number): boolean {
    const rec = this.rec;
    if (
      (rec[node + R_WORD0] as number) >>> 0 !== this.sw0 ||
      (rec[node + R_WORD1] as number) >>> 0 !== this.sw1 ||
      (rec[node + R_WORD2] as number) >>> 0 !== this.sw2 ||
      (rec[node + R_WORD3] as number) >>> 0 !== this.sw3
    ) {
      return false;
    }
    const length = rec[node + R_KEY_LEN] as number;
    if (length !== end - start) return false;
    // The words hold the first 16 bytes zero padded: with equal lengths, only bytes past them remain.
    if (length <= 16) return true;
    const keyOffset = rec[node + R_KEY_OFF] as number;
    const keyChunk = this.chunks[rec[node + R_KEY_CHUNK] as number] as Uint8Array;
    return compareRanges(keyChunk, keyOffset + 16, keyOffset + length, key, start + 16, end) === 0;
  }

  /**
   * Keeps the hash index on a just-linked node: it becomes its key's slot (`slot`, found by
   * slotOf before the link) when it is the key's first.
   */
  private indexNode(node: number, userKey: Uint8Array, slot: number, hash: number): void {
    const before = this.rec[node + R_PREV] as number;
    if (before !== HEAD && this.sameUserKeyAsSearch(before, userKey, 0, userKey.length)) return;
    if (this.index.nodeAt(slot) === NIL) this.index.insert(slot, hash | 0, node);
    else this.index.replace(slot, node);
  }

  /** An iterator over all entries; see the module comment for its view of concurrent adds. */
  iterator(): InternalIterator {
    return new MemtableIterator(this);
  }

  /** @internal successor of `node` at level 0 (NIL at the end) */
  nextOf(node: number): number {
    return this.rec[node + R_NEXT] as number;
  }

  /** @internal predecessor of `node` at level 0 (NIL before the first) */
  prevOf(node: number): number {
    const before = this.rec[node + R_PREV] as number;
    return before === HEAD ? NIL : before;
  }

  /** @internal first node (NIL when empty) */
  firstNode(): number {
    return this.rec[HEAD + R_NEXT] as number;
  }

  /** @internal last node (NIL when empty) */
  lastNode(): number {
    return this.tail === HEAD ? NIL : this.tail;
  }

  /** @internal the value of `node` as a view into the arena */
  valueView(node: number): Uint8Array {
    const rec = this.rec;
    const valueOffset = rec[node + R_VAL_OFF] as number;
    return (this.chunks[rec[node + R_VAL_CHUNK] as number] as Uint8Array).subarray(valueOffset, valueOffset + (rec[node + R_VAL_LEN] as number));
  }

  /** @internal key length of `node` */
  keyLength(node: number): number {
    return this.rec[node + R_KEY_LEN] as number;
  }

  /** @internal writes the internal key of `node` into `target` (which must have room) */
  writeInternalKey(node: number, target: Uint8Array): number {
    const rec = this.rec;
    const keyOffset = rec[node + R_KEY_OFF] as number;
    const keyLen = rec[node + R_KEY_LEN] as number;
    const chunk = this.chunks[rec[node + R_KEY_CHUNK] as number] as Uint8Array;
    if (keyLen <= 32) {
      for (let i = 0; i < keyLen; i++) target[i] = chunk[keyOffset + i] as number;
    } else {
      target.set(chunk.subarray(keyOffset, keyOffset + keyLen), 0);
    }
    writeTrailer(target, keyLen, this.tsOf(node), rec[node + R_KIND] as number);
    return keyLen + TRAILER_BYTES;
  }

  /** @internal first node >= the internal key `ikey` (NIL if none) */
  seekNode(ikey: Uint8Array): number {
    const userEnd = ikey.length - TRAILER_BYTES;
    this.setSearch(ikey, 0, userEnd);
    return this.findGreaterOrEqual(ikey, 0, userEnd, readTrailerTs(ikey, userEnd), ikey[ikey.length - 1] as number, undefined);
  }

  /** @internal true when `node` holds exactly the internal key `ikey` */
  nodeEquals(node: number, ikey: Uint8Array): boolean {
    const userEnd = ikey.length - TRAILER_BYTES;
    this.setSearch(ikey, 0, userEnd);
    return this.compareToSearch(node, ikey, 0, userEnd, readTrailerTs(ikey, userEnd), ikey[ikey.length - 1] as number) === 0;
  }

  private tsOf(node: number): number {
    return (this.rec[node + R_TS_HI] as number) * TWO_POW_32 + ((this.rec[node + R_TS_LO] as number) >>> 0);
  }

  /** Sets the key words of the key about to be searched (key[start..end)). */
  private setSearch(key: Uint8Array, start: number, end: number): void {
    this.sw0 = userKeyHead(key, start, end);
    this.sw1 = userKeyHead(key, start + 4, end);
    this.sw2 = userKeyHead(key, start + 8, end);
    this.sw3 = userKeyHead(key, start + 12, end);
  }

  /** Orders node against the searched key (key[start..end), ts, kind; setSearch first). */
  private compareToSearch(node: number, key: Uint8Array, start: number, end: number, ts: number, kind: number): number {
    const rec = this.rec;
    let w = (rec[node + R_WORD0] as number) >>> 0;
    if (w !== this.sw0) return w < this.sw0 ? -1 : 1;
    w = (rec[node + R_WORD1] as number) >>> 0;
    if (w !== this.sw1) return w < this.sw1 ? -1 : 1;
    w = (rec[node + R_WORD2] as number) >>> 0;
    if (w !== this.sw2) return w < this.sw2 ? -1 : 1;
    w = (rec[node + R_WORD3] as number) >>> 0;
    if (w !== this.sw3) return w < this.sw3 ? -1 : 1;
    return this.compareTail(node, key, start, end, ts, kind);
  }

  /** compareToSearch once the key words are equal: full key bytes, then ts (descending), then kind. */
  private compareTail(node: number, key: Uint8Array, start: number, end: number, ts: number, kind: number): number {
    const rec = this.rec;
    const keyOffset = rec[node + R_KEY_OFF] as number;
    const keyChunk = this.chunks[rec[node + R_KEY_CHUNK] as number] as Uint8Array;
    const c = compareRanges(keyChunk, keyOffset, keyOffset + (rec[node + R_KEY_LEN] as number), key, start, end);
    if (c !== 0) return c;
    const nodeTs = this.tsOf(node);
    if (nodeTs !== ts) return nodeTs > ts ? -1 : 1;
    return (rec[node + R_KIND] as number) - kind;
  }

  /** First node >= the searched key (NIL if none; setSearch first); fills `splice` with the last node < key per level. */
  private findGreaterOrEqual(
    key: Uint8Array,
    start: number,
    end: number,
    ts: number,
    kind: number,
    splice: Int32Array | undefined,
  ): number {
    const rec = this.rec;
    let node = HEAD;
    let level = this.height - 1;
    for (;;) {
      const next = rec[node + R_NEXT + level] as number;
      if (next !== NIL && this.compareToSearch(next, key, start, end, ts, kind) < 0) {
        node = next;
        continue;
      }
      if (splice !== undefined) splice[level] = node;
      if (level === 0) return next;
      level--;
    }
  }

  private link(node: number, h: number): void {
    if (h > this.height) {
      for (let l = this.height; l < h; l++) this.splice[l] = HEAD;
      this.height = h;
    }
    const rec = this.rec;
    for (let l = 0; l < h; l++) {
      const at = (this.splice[l] as number) + R_NEXT + l;
      const after = rec[at] as number;
      rec[node + R_NEXT + l] = after;
      rec[at] = node;
      if (after === NIL) this.lastAt[l] = node;
    }
    const after = rec[node + R_NEXT] as number;
    rec[node + R_PREV] = this.splice[0] as number;
    if (after === NIL) this.tail = node;
    else rec[after + R_PREV] = node;
  }

  private randomHeight(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x;
    let h = 1;
    // Each further level with probability 1/4: two bits per level.
    while (h < HEIGHT_MAX && (x & 3) === 0) {
      h++;
      x >>>= 2;
    }
    return h;
  }

  private allocRecord(height: number): number {
    const size = R_NEXT + height;
    if (this.recUsed + size > this.rec.length) {
      const grown = new Int32Array(this.rec.length * 2);
      grown.set(this.rec);
      this.rec = grown;
    }
    const node = this.recUsed;
    this.recUsed += size;
    return node;
  }

  private storeKey(node: number, key: Uint8Array): void {
    const off = this.reserve(key.length);
    copyInto(this.chunk, off, key);
    this.rec[node + R_KEY_CHUNK] = this.chunks.length - 1;
    this.rec[node + R_KEY_OFF] = off;
    this.rec[node + R_KEY_LEN] = key.length;
  }

  /** Points `node`'s key at the key bytes of `other`, a version of the same user key. */
  private shareKey(node: number, other: number): void {
    const rec = this.rec;
    rec[node + R_KEY_CHUNK] = rec[other + R_KEY_CHUNK] as number;
    rec[node + R_KEY_OFF] = rec[other + R_KEY_OFF] as number;
    rec[node + R_KEY_LEN] = rec[other + R_KEY_LEN] as number;
  }

  private storeValue(node: number, value: Uint8Array): void {
    const off = this.reserve(value.length);
    copyInto(this.chunk, off, value);
    this.rec[node + R_VAL_CHUNK] = this.chunks.length - 1;
    this.rec[node + R_VAL_OFF] = off;
    this.rec[node + R_VAL_LEN] = value.length;
  }

  /** Reserves `bytes` in the current chunk (the last of `chunks`), starting a new one if needed. */
  private reserve(bytes: number): number {
    this.arenaBytes += bytes;
    if (this.chunks.length > 0 && this.chunkPos + bytes <= this.chunk.length) {
      const off = this.chunkPos;
      this.chunkPos += bytes;
      return off;
    }
    this.chunk = new Uint8Array(bytes >= DEDICATED_BYTES_MIN ? bytes : CHUNK_BYTES);
    this.chunks.push(this.chunk);
    this.chunkPos = bytes;
    return 0;
  }
}

function copyInto(target: Uint8Array, at: number, source: Uint8Array): void {
  const n = source.length;
  if (n <= 32) {
    for (let i = 0; i < n; i++) target[at + i] = source[i] as number;
  } else {
    target.set(source, at);
  }
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
    if (ge !== NIL && t.nodeEquals(ge, ikey)) {
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
