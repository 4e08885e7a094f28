/**
 * The meta block of an SSTable (docs/format.md, "SSTable › Meta block"):
 *
 *   varint entries ‖ varint dataBlocks ‖ varint minTs ‖ varint maxTs ‖
 *   varint smallestLength ‖ smallest ‖ varint largestLength ‖ largest
 *
 * Invariants (checked on decode, CorruptionError otherwise):
 * - The fields fill the block exactly.
 * - An empty table has 0 data blocks and empty smallest/largest; otherwise both keys are internal
 *   keys (>= 8 bytes), smallest <= largest, 1 <= dataBlocks <= entries, 1 <= minTs <= maxTs <= TS_MAX.
 */
import { readVarint } from '../util/varint.js';
import { CorruptionError } from './errors.js';
import { compareInternalKeys, TRAILER_BYTES, TS_MAX } from './internal-key.js';

export interface TableMeta {
  readonly entries: number;
  readonly dataBlocks: number;
  readonly minTs: number;
  readonly maxTs: number;
  readonly smallest: Uint8Array;
  readonly largest: Uint8Array;
}

export function decodeTableMeta(bytes: Uint8Array, path: string, fileOffset: number): TableMeta {
  const fail = (detail: string): never => {
    throw new CorruptionError(path, fileOffset, `meta block: ${detail}`);
  };
  const v = [0];
  const fields: number[] = [];
  let p = 0;
  for (let i = 0; i < 4; i++) {
    p = readVarint(bytes, p, bytes.length, v);
    if (p < 0) fail('truncated varint');
    fields.push(v[0] as number);
  }
  const readKey = (): Uint8Array => {
    p = readVarint(bytes, p, bytes.length, v);
    const n = v[0] as number;
    if (p < 0 || n > bytes.length - p) fail('bad key length');
    const key = Uint8Array.prototype.slice.call(bytes, p, p + n);
    p += n;
    return key;
  };
  const smallest = readKey();
  const largest = readKey();
  if (p !== bytes.length) fail('trailing bytes');
  const [entries, dataBlocks, minTs, maxTs] = fields as [number, number, number, number];
  if (entries === 0) {
    if (dataBlocks !== 0 || smallest.length !== 0 || largest.length !== 0) fail('empty table with data');
  } else {
    if (dataBlocks < 1 || dataBlocks > entries) fail(`bad data block count ${dataBlocks}`);
    if (smallest.length < TRAILER_BYTES || largest.length < TRAILER_BYTES) fail('key shorter than its trailer');
    if (compareInternalKeys(smallest, largest) > 0) fail('smallest key above largest');
    if (minTs < 1 || minTs > maxTs || maxTs > TS_MAX) fail('bad ts range');
  }
  return { entries, dataBlocks, minTs, maxTs, smallest, largest };
}
