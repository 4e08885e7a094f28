/**
 * CRC-32 (IEEE) over bytes, using node:zlib's built-in implementation (> 2 GB/s here).
 * Every byte stratadb reads back from disk is covered by one of these (DESIGN.md, Integrity).
 */
import { crc32 as zlibCrc32 } from 'node:zlib';

/** CRC-32 of `data`, optionally continuing from a previous value. Returns an unsigned 32-bit number. */
export function crc32(data: Uint8Array, previous = 0): number {
  return zlibCrc32(data, previous) >>> 0;
}
