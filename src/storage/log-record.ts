/**
 * Record framing shared by the commit log and the manifest edit log. Format: docs/format.md,
 * section "Log record framing".
 *
 *   record = length u32le ‖ payloadCrc u32le ‖ headerCrc u32le ‖ payload (length bytes)
 *   headerCrc = crc32(length ‖ payloadCrc); payloadCrc = crc32(payload)
 *
 * Invariants:
 * - Records are read back in order; readLogRecords stops at the first record that is not whole.
 * - Only the tail of the LAST file of a log may be torn: an incomplete header, a record running
 *   past the end of file, a last record whose payload CRC fails, or a zero-filled remainder. That
 *   tail is reported (tornAt) and dropped, never treated as corruption. Any other failed check is
 *   a CorruptionError naming the file and offset.
 * - The length is covered by its own CRC, so a flipped length byte is never mistaken for a tear.
 */
import { crc32 } from '../util/crc32.js';
import { CorruptionError } from './errors.js';

export const LOG_HEADER_BYTES = 12;
/** Largest payload a log record may carry (a commit of up to this many encoded bytes). */
export const LOG_RECORD_BYTES_MAX = 1024 * 1024 * 1024;

/** Frames `payload` as one record. */
export function encodeLogRecord(payload: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(LOG_HEADER_BYTES + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.writeUInt32LE(crc32(out.subarray(0, 8)), 8);
  out.set(payload, LOG_HEADER_BYTES);
  return out;
}

/** Frames every payload, back to back, into one buffer (one copy of each payload). */
export function encodeLogRecords(payloads: readonly Uint8Array[]): Uint8Array {
  let bytes = 0;
  for (const payload of payloads) bytes += LOG_HEADER_BYTES + payload.length;
  const out = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (const payload of payloads) {
    out.writeUInt32LE(payload.length, at);
    out.writeUInt32LE(crc32(payload), at + 4);
    out.writeUInt32LE(crc32(out.subarray(at, at + 8)), at + 8);
    out.set(payload, at + LOG_HEADER_BYTES);
    at += LOG_HEADER_BYTES + payload.length;
  }
  return out;
}

export interface LogReadResult {
  /** Offset just past the last whole record. */
  readonly validEnd: number;
  /** True when bytes after validEnd were dropped as a torn tail. */
  readonly torn: boolean;
}

function allZero(data: Uint8Array, start: number): boolean {
  for (let i = start; i < data.length; i++) if (data[i] !== 0) return false;
  return true;
}

/**
 * Calls onRecord(payload, offset) for each whole record of `data` (the content of `path`).
 * `isLast` says whether this file is the last of its log (the only one whose tail may be torn).
 */
export function readLogRecords(
  data: Uint8Array,
  path: string,
  isLast: boolean,
  onRecord: (payload: Uint8Array, offset: number) => void,
): LogReadResult {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  while (offset < buf.length) {
    const torn = { validEnd: offset, torn: true };
    const fail = (detail: string): never => {
      throw new CorruptionError(path, offset, detail);
    };
    if (buf.length - offset < LOG_HEADER_BYTES) return isLast ? torn : fail('truncated record header');
    const length = buf.readUInt32LE(offset);
    const payloadCrc = buf.readUInt32LE(offset + 4);
    if (crc32(buf.subarray(offset, offset + 8)) !== buf.readUInt32LE(offset + 8)) {
      return isLast && allZero(buf, offset) ? torn : fail('record header checksum mismatch');
    }
    if (length > LOG_RECORD_BYTES_MAX) fail(`record length ${length} exceeds the maximum`);
    const end = offset + LOG_HEADER_BYTES + length;
    if (end > buf.length) return isLast ? torn : fail('record runs past the end of the file');
    const payload = buf.subarray(offset + LOG_HEADER_BYTES, end);
    if (crc32(payload) !== payloadCrc) return isLast && end === buf.length ? torn : fail('record checksum mismatch');
    onRecord(payload, offset);
    offset = end;
  }
  return { validEnd: offset, torn: false };
}
