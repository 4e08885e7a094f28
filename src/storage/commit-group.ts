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
 */
import { readVarint, varintLength, writeVarint } from '../util/varint.js';
import { assert } from '../util/assert.js';
import { decodeCommitRecord, type CommitRecord } from './commit-record.js';
import { CorruptionError } from './errors.js';
import { LOG_RECORD_BYTES_MAX } from './log-record.js';

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
