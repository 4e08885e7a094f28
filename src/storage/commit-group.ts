/**
 * The commit group: every commit record of one group commit in one commit-log record (commit log
 * version 2), so the log shows where each group ends. Format: docs/format.md, "Commit log".
 *
 *   group payload = marker u64le (all ones) ‖ count varint ‖ count × (length varint ‖ commit record)
 *
 * A version-1 payload is a single commit record, whose first 8 bytes are its commitTs (< 2^53):
 * never the marker, so both versions read unambiguously.
 *
 * Invariants:
 * - A group is framed as one log record (one CRC): after a crash it is whole or torn, never half
 *   there; recovery checks the values of the last group only (recovery-tail-check.ts).
 * - decodeCommitPayload validates every length against the payload; a malformed payload (whose
 *   CRC nevertheless matched) is a CorruptionError, never an out-of-bounds read.
 * - CommitGroupBuffer holds a group's entries in parallel arrays reused from group to group (no
 *   object per commit or entry) and encodes them, framed as a log record, in one buffer reused
 *   from group to group (valid until the next encodeRecord(): every Vfs copies what it writes):
 *   each key and value is copied once on the way to the log. Value pointers are encoded into an
 *   arena reused from group to group. reset() drops its references to keys and values.
 */
import { readVarint, varintLength, writeVarint } from '../util/varint.js';
import { assert } from '../util/assert.js';
import { commitRecordBytes, decodeCommitRecord, writeCommitRecord, type CommitEntryColumns, type CommitRecord } from './commit-record.js';
import { CorruptionError } from './errors.js';
import { KIND_POINTER } from './internal-key.js';
import { frameLogRecord, LOG_HEADER_BYTES, LOG_RECORD_BYTES_MAX } from './log-record.js';

const MARKER_WORD = 0xffffffff;
const MARKER_BYTES = 8;

/** The group framing beyond its records' bytes: the marker and the record count (a varint < 2^35). */
export const COMMIT_GROUP_FRAMING_BYTES_MAX = MARKER_BYTES + 5;

/**
 * The largest group, counted as commit-batch.ts validateWrites counts commits (which bounds each
 * commit's encoded record plus its length prefix): with the framing it fits one log record.
 * options.ts bounds groupCommitBytesMax by it and validateWrites refuses a bigger single commit.
 */
export const COMMIT_GROUP_BYTES_MAX = LOG_RECORD_BYTES_MAX - COMMIT_GROUP_FRAMING_BYTES_MAX;

/** Encodes the commit records of one group (see the module comment). */
export function encodeCommitGroup(records: readonly Uint8Array[]): Uint8Array {
  let bytes = MARKER_BYTES + varintLength(records.length);
  for (const record of records) bytes += varintLength(record.length) + record.length;
  assert(bytes <= LOG_RECORD_BYTES_MAX, `commit group of ${bytes} bytes exceeds the log record maximum`);
  const out = Buffer.allocUnsafe(bytes);
  out.writeUInt32LE(MARKER_WORD, 0);
  out.writeUInt32LE(MARKER_WORD, 4);
  let at = writeVarint(out, MARKER_BYTES, records.length);
  for (const record of records) {
    at = writeVarint(out, at, record.length);
    out.set(record, at);
    at += record.length;
  }
  return out;
}

const EMPTY = new Uint8Array(0);
/** Bytes of the pointer arena (grown when a group needs more) and the longest encoded pointer (3 varints of < 2^35). */
const POINTER_ARENA_BYTES = 4096;
const POINTER_BYTES_MAX = 15;
/** The encoding buffer kept between groups (a bigger group gets one of its own size, let go after it). */
const ENCODED_KEEP_BYTES = 256 * 1024;

/** One group's commits as parallel arrays (see the module invariants), and their encoding. */
export class CommitGroupBuffer implements CommitEntryColumns {
  /** Entry i: keys[i], kinds[i], values[i] (inline value, encoded pointer, or empty), i < entryCount. */
  readonly keys: Uint8Array[] = [];
  readonly kinds: number[] = [];
  readonly values: Uint8Array[] = [];
  entryCount = 0;
  /** Commit c: commitTs tss[c], its entries [ends[c − 1] (0 for c = 0), ends[c]), c < commitCount. */
  readonly tss: number[] = [];
  readonly ends: number[] = [];
  commitCount = 0;
  /** Record lengths of the last encodeRecord() (scratch). */
  private readonly recordBytes: number[] = [];
  /** Encoded value pointers of the group (addPointer), back to back; entries hold views of it. */
  private pointers = new Uint8Array(POINTER_ARENA_BYTES);
  private pointersUsed = 0;
  /** Where encodeRecord() encodes (reused: every Vfs copies what it is given to write). */
  private encoded: Buffer = Buffer.allocUnsafeSlow(ENCODED_KEEP_BYTES);

  /** Adds an entry to the commit being built. */
  add(key: Uint8Array, kind: number, value: Uint8Array): void {
    const i = this.entryCount++;
    this.keys[i] = key;
    this.kinds[i] = kind;
    this.values[i] = value;
  }

  /**
   * Adds a KIND_POINTER entry whose value is the pointer (segment, offset, length), encoded
   * (value-pointer.ts) into the group's pointer arena: no pointer object and no buffer of its own.
   */
  addPointer(key: Uint8Array, segment: number, offset: number, length: number): void {
    let at = this.pointersUsed;
    if (at + POINTER_BYTES_MAX > this.pointers.length) {
      // Entries already added keep views of the old arena.
      this.pointers = new Uint8Array(Math.max(POINTER_ARENA_BYTES, this.pointers.length * 2));
      at = 0;
    }
    const start = at;
    at = writeVarint(this.pointers, at, segment);
    at = writeVarint(this.pointers, at, offset);
    at = writeVarint(this.pointers, at, length);
    this.pointersUsed = at;
    this.add(key, KIND_POINTER, this.pointers.subarray(start, at));
  }

  /** Ends the commit being built (the entries added since the last endCommit) at `commitTs`. */
  endCommit(commitTs: number): void {
    const c = this.commitCount++;
    this.tss[c] = commitTs;
    this.ends[c] = this.entryCount;
  }

  /** The group as one framed log record (log-record.ts) whose payload is the group payload. */
  encodeRecord(): Uint8Array {
    const { tss, ends, recordBytes, commitCount } = this;
    let bytes = LOG_HEADER_BYTES + MARKER_BYTES + varintLength(commitCount);
    for (let c = 0, start = 0; c < commitCount; start = ends[c++] as number) {
      const record = commitRecordBytes(this, start, ends[c] as number);
      recordBytes[c] = record;
      bytes += varintLength(record) + record;
    }
    if (bytes - LOG_HEADER_BYTES > LOG_RECORD_BYTES_MAX) assert(false, `commit group of ${bytes} bytes exceeds the log record maximum`);
    if (bytes > this.encoded.length) this.encoded = Buffer.allocUnsafeSlow(bytes);
    const out = this.encoded.subarray(0, bytes);
    out.writeUInt32LE(MARKER_WORD, LOG_HEADER_BYTES);
    out.writeUInt32LE(MARKER_WORD, LOG_HEADER_BYTES + 4);
    let at = writeVarint(out, LOG_HEADER_BYTES + MARKER_BYTES, commitCount);
    for (let c = 0, start = 0; c < commitCount; start = ends[c++] as number) {
      at = writeVarint(out, at, recordBytes[c] as number);
      at = writeCommitRecord(out, at, tss[c] as number, this, start, ends[c] as number);
    }
    assert(at === bytes, 'commit group encoding length');
    frameLogRecord(out);
    return out;
  }

  /** Empties the buffer and drops its references to keys and values. */
  reset(): void {
    for (let i = 0; i < this.entryCount; i++) {
      this.keys[i] = EMPTY;
      this.values[i] = EMPTY;
    }
    this.entryCount = 0;
    this.commitCount = 0;
    this.pointersUsed = 0;
    // A big group's encoding is let go (small ones reuse the buffer).
    if (this.encoded.length > ENCODED_KEEP_BYTES) this.encoded = Buffer.allocUnsafeSlow(ENCODED_KEEP_BYTES);
  }
}

/** The commit records of a commit-log payload (a version-2 group or a version-1 single record). */
export function decodeCommitPayload(payload: Uint8Array, path: string, offset: number): CommitRecord[] {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (buf.length < MARKER_BYTES || buf.readUInt32LE(0) !== MARKER_WORD || buf.readUInt32LE(4) !== MARKER_WORD) {
    return [decodeCommitRecord(payload, path, offset)];
  }
  const fail = (detail: string): never => {
    throw new CorruptionError(path, offset, `commit group: ${detail}`);
  };
  const out = [0];
  let at = readVarint(buf, MARKER_BYTES, buf.length, out);
  const count = out[0] as number;
  if (at < 0 || count > buf.length) fail('bad record count');
  const records: CommitRecord[] = [];
  for (let i = 0; i < count; i++) {
    at = readVarint(buf, at, buf.length, out);
    const length = out[0] as number;
    if (at < 0 || at + length > buf.length) fail('bad record length');
    records.push(decodeCommitRecord(buf.subarray(at, at + length), path, offset));
    at += length;
  }
  if (at !== buf.length) fail('trailing bytes');
  return records;
}
