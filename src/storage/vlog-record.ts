/**
 * Value-log records and segment files (the value log itself: value-log.ts). Format: docs/format.md,
 * "Value log".
 *
 *   record = crc u32le ‖ keyLength u32le ‖ valueLength u32le ‖ key ‖ value
 *   crc    = crc32 of every byte after the crc field
 *
 * Invariants:
 * - vlogRecordProblem() accepts only a whole record whose CRC, lengths and key all check; any other
 *   bytes get a reason, which the caller turns into a CorruptionError naming file and offset.
 * - vlogRecordsEnd() and vlogLogEnd() read a segment from its start and never past its size; a zero
 *   header never checks (crc32 of 8 zero bytes is not 0), so a zero-filled tail ends the records.
 */
import { crc32 } from '../util/crc32.js';
import type { VfsFile } from './vfs.js';

export const VLOG_HEADER_BYTES = 12;
/** Bytes read at once by vlogRecordsEnd (a longer record is read whole). */
const TAIL_SCAN_CHUNK_BYTES = 1024 * 1024;

export function vlogName(segment: number): string {
  return `${String(segment).padStart(6, '0')}.vlog`;
}

/** The name of a value-log GC output segment (recovery deletes one the manifest does not list). */
export function gcVlogName(segment: number): string {
  return `${String(segment).padStart(6, '0')}.vgc`;
}

/**
 * Why `record` (the bytes read for a pointer of `length` bytes; `readBytes` of them were read, the
 * rest of the buffer is ignored) is not a whole, valid record of `key` — its length, CRC, lengths
 * and key are checked — or undefined when it is one.
 */
export function vlogRecordProblem(record: Buffer, length: number, key: Uint8Array, readBytes = record.length): string | undefined {
  if (readBytes !== length || length < VLOG_HEADER_BYTES || record.length < length) return 'value record is truncated';
  if (crc32(record.subarray(4, length)) !== record.readUInt32LE(0)) return 'value record checksum mismatch';
  const keyLength = record.readUInt32LE(4);
  if (VLOG_HEADER_BYTES + keyLength + record.readUInt32LE(8) !== length) return 'value record lengths mismatch';
  if (keyLength !== key.length) return 'value record belongs to another key';
  for (let i = 0; i < keyLength; i++) if (record[VLOG_HEADER_BYTES + i] !== key[i]) return 'value record belongs to another key';
  return undefined;
}

/**
 * Where the log of a segment whose tail may hold zeros (a preallocated region) or a torn group
 * ends: after its whole, checksummed records read from the start (a zero header never checks:
 * crc32 of 8 zero bytes is not 0), when no whole record starts after the first one that fails —
 * the disk may keep any pages of a torn write, in any order. When one does (damage followed by
 * data), the file's size: nothing is cut, reads report the damage. Groups are written one after
 * another, each after the previous one was synced, so every acknowledged record lies below it.
 */
export function vlogLogEnd(file: VfsFile): number {
  const end = vlogRecordsEnd(file);
  const size = file.size();
  return end === size || wholeRecordAfter(readWindow(file, end, size - end)) ? size : end;
}

/** True when a whole, checksummed record starts in `tail` after its first byte. */
function wholeRecordAfter(tail: Buffer): boolean {
  for (let at = 1; at + VLOG_HEADER_BYTES <= tail.length; at++) {
    const length = VLOG_HEADER_BYTES + tail.readUInt32LE(at + 4) + tail.readUInt32LE(at + 8);
    if (at + length > tail.length || (length === VLOG_HEADER_BYTES && tail.readUInt32LE(at) === 0)) continue;
    if (crc32(tail.subarray(at + 4, at + length)) === tail.readUInt32LE(at)) return true;
  }
  return false;
}

/** The end of the whole, checksummed records of a segment read from its start. */
export function vlogRecordsEnd(file: VfsFile): number {
  const size = file.size();
  let window: Buffer = Buffer.alloc(0);
  let windowStart = 0;
  let offset = 0;
  while (offset + VLOG_HEADER_BYTES <= size) {
    if (offset + VLOG_HEADER_BYTES > windowStart + window.length) {
      window = readWindow(file, offset, Math.min(size - offset, TAIL_SCAN_CHUNK_BYTES));
      windowStart = offset;
      if (window.length < VLOG_HEADER_BYTES) return offset;
    }
    let at = offset - windowStart;
    const length = VLOG_HEADER_BYTES + window.readUInt32LE(at + 4) + window.readUInt32LE(at + 8);
    if (offset + length > size) return offset;
    if (at + length > window.length) {
      window = readWindow(file, offset, Math.min(size - offset, Math.max(length, TAIL_SCAN_CHUNK_BYTES)));
      windowStart = offset;
      at = 0;
      if (window.length < length) return offset;
    }
    if (crc32(window.subarray(at + 4, at + length)) !== window.readUInt32LE(at)) return offset;
    offset += length;
  }
  return offset;
}

function readWindow(file: VfsFile, offset: number, length: number): Buffer {
  const data = file.read(offset, length);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
