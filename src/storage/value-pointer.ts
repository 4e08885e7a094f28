/**
 * A value pointer: where a value-log record lives. Stored as the value of a KIND_POINTER internal
 * key (memtable, SSTables) and inside commit records. Format: docs/format.md, "Value pointer".
 *
 *   pointer = segment varint ‖ offset varint ‖ length varint   (length = whole record bytes)
 *
 * Invariants:
 * - decodeValuePointer validates: malformed bytes return undefined, the caller raises corruption.
 */
import { readVarint, varintLength, writeVarint } from '../util/varint.js';

export interface ValuePointer {
  readonly segment: number;
  readonly offset: number;
  readonly length: number;
}

export function encodeValuePointer(pointer: ValuePointer): Uint8Array {
  const out = new Uint8Array(varintLength(pointer.segment) + varintLength(pointer.offset) + varintLength(pointer.length));
  let at = writeVarint(out, 0, pointer.segment);
  at = writeVarint(out, at, pointer.offset);
  writeVarint(out, at, pointer.length);
  return out;
}

const scratch = [0];

export function decodeValuePointer(data: Uint8Array): ValuePointer | undefined {
  let at = readVarint(data, 0, data.length, scratch);
  if (at < 0) return undefined;
  const segment = scratch[0] as number;
  at = readVarint(data, at, data.length, scratch);
  if (at < 0) return undefined;
  const offset = scratch[0] as number;
  at = readVarint(data, at, data.length, scratch);
  if (at !== data.length) return undefined;
  return { segment, offset, length: scratch[0] as number };
}
