/**
 * Record framing shared by the commit log and the manifest edit log. Format: docs/format.md,
 * section "Log record framing".
 *
 *   record = length u32le ‖ payloadCrc u32le ‖ headerCrc u32le ‖ payload (length bytes)
 *   headerCrc = crc32(length ‖ payloadCrc); payloadCrc = crc32(payload)
 *
 * Invariants:
 * - Records are read back in order; readLogRecords stops at the first record that is not whole.
 * - Only the tail of the LAST file of a log may be torn, and that tail is reported (torn) and
 *   dropped, never treated as corruption. In an appended file ('appended'): an incomplete header,
 *   a record running past the end of file, a last record whose payload CRC fails, or a
 *   zero-filled remainder. In a preallocated file ('preallocated', the commit log:
 *   log-preallocator.ts), where a torn write lands in zeros and the disk may keep any of its pages:
 *   the same, or any record that fails a check when no valid record starts after it.
 * - Any other failed check is a CorruptionError naming the file and offset: in an earlier file,
 *   or a damaged record followed by a valid one (acknowledged data after damage).
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

/**
 * Frames in place the one record `record` holds: its payload follows LOG_HEADER_BYTES reserved
 * bytes, which this fills (so a writer can encode its payload straight into the record).
 */
export function frameLogRecord(record: Buffer): void {
  record.writeUInt32LE(record.length - LOG_HEADER_BYTES, 0);
  record.writeUInt32LE(crc32(record.subarray(LOG_HEADER_BYTES)), 4);
  record.writeUInt32LE(crc32(record.subarray(0, 8)), 8);
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

/** How the last file of a log may end torn (see the invariants). */
export type TornTailRule = 'appended' | 'preallocated';

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

/** True when a whole record whose CRCs check starts at `at` of `buf`. */
function recordAt(buf: Buffer, at: number): boolean {
  const length = buf.readUInt32LE(at);
  // The length is checked first: most offsets of arbitrary bytes fail it without a CRC.
  if (length > buf.length - at - LOG_HEADER_BYTES) return false;
  if (crc32(buf.subarray(at, at + 8)) !== buf.readUInt32LE(at + 8)) return false;
  return crc32(buf.subarray(at + LOG_HEADER_BYTES, at + LOG_HEADER_BYTES + length)) === buf.readUInt32LE(at + 4);
}

/**
 * True when a whole valid record starts at some offset ≥ `from`. Windows of 12 zero bytes are
 * skipped (an all-zero header never checks: crc32 of 8 zero bytes is 0x6522df69).
 */
function validRecordAfter(buf: Buffer, from: number): boolean {
  let at = from;
  while (at + LOG_HEADER_BYTES <= buf.length) {
    let nonZero = at;
    while (nonZero < buf.length && buf[nonZero] === 0) nonZero++;
    if (nonZero === buf.length) return false;
    const last = Math.min(nonZero, buf.length - LOG_HEADER_BYTES);
    for (let start = Math.max(at, nonZero - LOG_HEADER_BYTES + 1); start <= last; start++) {
      if (recordAt(buf, start)) return true;
    }
    at = nonZero + 1;
  }
  return false;
}

/**
 * Calls onRecord(payload, offset) for each whole record of `data` (the content of `path`).
 * `isLast` says whether this file is the last of its log (the only one whose tail may be torn);
 * `rule` how its tail may be torn.
 */
export function readLogRecords(
  data: Uint8Array,
  path: string,
  isLast: boolean,
  onRecord: (payload: Uint8Array, offset: number) => void,
  rule: TornTailRule = 'appended',
): LogReadResult {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  while (offset < buf.length) {
    const torn = { validEnd: offset, torn: true };
    // A failed check: torn when the rule allows it at this offset, else corruption.
    const tornIf = (appendedTear: boolean, detail: string): LogReadResult => {
      if (isLast && (rule === 'preallocated' ? !validRecordAfter(buf, offset + 1) : appendedTear)) return torn;
      throw new CorruptionError(path, offset, detail);
    };
    if (buf.length - offset < LOG_HEADER_BYTES) return tornIf(true, 'truncated record header');
    const length = buf.readUInt32LE(offset);
    const payloadCrc = buf.readUInt32LE(offset + 4);
    if (crc32(buf.subarray(offset, offset + 8)) !== buf.readUInt32LE(offset + 8)) {
      return tornIf(allZero(buf, offset), 'record header checksum mismatch');
    }
    if (length > LOG_RECORD_BYTES_MAX) throw new CorruptionError(path, offset, `record length ${length} exceeds the maximum`);
    const end = offset + LOG_HEADER_BYTES + length;
    if (end > buf.length) return tornIf(true, 'record runs past the end of the file');
    const payload = buf.subarray(offset + LOG_HEADER_BYTES, end);
    if (crc32(payload) !== payloadCrc) return tornIf(end === buf.length, 'record checksum mismatch');
    onRecord(payload, offset);
    offset = end;
  }
  return { validEnd: offset, torn: false };
}
