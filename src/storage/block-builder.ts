/**
 * Builds one block of sorted key/value entries with prefix-compressed keys (LevelDB's block format;
 * docs/format.md, section "SSTable › Block").
 *
 *   entry    = varint shared ‖ varint unshared ‖ varint valueLength ‖ key[shared..] ‖ value
 *   block    = entry* ‖ restart[i] (uint32 LE, offset of entry) * n ‖ n (uint32 LE)
 *
 * Invariants:
 * - Every restartInterval-th entry is a restart point: it stores its key whole (shared = 0) and
 *   its offset is in the restart array, so readers can binary-search the restarts.
 * - There is at least one restart point (offset 0) even for an empty block.
 * - Keys are added in strictly increasing order (the table builder checks it).
 */
import { assert } from '../util/assert.js';
import { varintLength, writeVarint } from '../util/varint.js';

export const RESTART_INTERVAL_MAX = 1024;
/** Copies up to this many bytes in a JS loop; more through TypedArray#set (which needs a view). */
const LOOP_COPY_BYTES_MAX = 32;

/** Copies source[from..from+n) to target[at..]. */
export function copyBytes(source: Uint8Array, from: number, target: Uint8Array, at: number, n: number): void {
  if (n <= LOOP_COPY_BYTES_MAX) {
    for (let i = 0; i < n; i++) target[at + i] = source[from + i] as number;
  } else {
    target.set(from === 0 && n === source.length ? source : source.subarray(from, from + n), at);
  }
}

export class BlockBuilder {
  private buffer: Buffer = Buffer.allocUnsafe(4096);
  private length = 0;
  private restarts: number[] = [0];
  private sinceRestart = 0;
  private lastKey: Buffer = Buffer.allocUnsafe(64);
  private lastKeyLength = 0;
  private entryCount = 0;

  constructor(private readonly restartInterval: number) {
    assert(Number.isInteger(restartInterval) && restartInterval >= 1 && restartInterval <= RESTART_INTERVAL_MAX, 'bad restartInterval');
  }

  /** Entries added since the last reset. */
  get entries(): number {
    return this.entryCount;
  }

  /** Size of the block if finished now. */
  get estimatedBytes(): number {
    return this.length + this.restarts.length * 4 + 4;
  }

  /** Appends key → value; key must be greater than every earlier key of this block. */
  add(key: Uint8Array, value: Uint8Array): void {
    let shared = 0;
    if (this.sinceRestart < this.restartInterval) {
      const n = Math.min(this.lastKeyLength, key.length);
      const last = this.lastKey;
      while (shared < n && last[shared] === key[shared]) shared++;
    } else {
      this.restarts.push(this.length);
      this.sinceRestart = 0;
    }
    const unshared = key.length - shared;
    const needed = varintLength(shared) + varintLength(unshared) + varintLength(value.length) + unshared + value.length;
    this.ensure(needed);
    let p = writeVarint(this.buffer, this.length, shared);
    p = writeVarint(this.buffer, p, unshared);
    p = writeVarint(this.buffer, p, value.length);
    copyBytes(key, shared, this.buffer, p, unshared);
    p += unshared;
    copyBytes(value, 0, this.buffer, p, value.length);
    this.length = p + value.length;
    this.rememberKey(key, shared);
    this.sinceRestart++;
    this.entryCount++;
  }

  /** The finished block: a view valid until the next reset() or add(). */
  finish(): Uint8Array {
    const tail = this.restarts.length * 4 + 4;
    this.ensure(tail);
    let p = this.length;
    for (const restart of this.restarts) {
      this.buffer.writeUInt32LE(restart, p);
      p += 4;
    }
    this.buffer.writeUInt32LE(this.restarts.length, p);
    return this.buffer.subarray(0, p + 4);
  }

  reset(): void {
    this.length = 0;
    this.restarts = [0];
    this.sinceRestart = 0;
    this.lastKeyLength = 0;
    this.entryCount = 0;
  }

  private rememberKey(key: Uint8Array, shared: number): void {
    if (key.length > this.lastKey.length) {
      const grown = Buffer.allocUnsafe(Math.max(key.length, this.lastKey.length * 2));
      this.lastKey.copy(grown, 0, 0, shared);
      this.lastKey = grown;
    }
    copyBytes(key, shared, this.lastKey, shared, key.length - shared);
    this.lastKeyLength = key.length;
  }

  private ensure(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.length + bytes, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
