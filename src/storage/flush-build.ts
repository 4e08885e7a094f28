/**
 * Flush payloads: a frozen memtable's entries serialized for the flush worker, and the pure
 * function that turns them into an SSTable image (runs in the worker, or inline).
 *
 *   payload = (ikeyLength varint ‖ valueLength varint ‖ ikey ‖ value)*   in internal-key order
 *
 * Invariants:
 * - serializeEntries() copies every entry into an ArrayBuffer of its own (never Node's shared
 *   Buffer pool), so the payload can be transferred to another thread without a copy; it yields to
 *   the event loop after every SLICE_BYTES of entries (a 32 MiB memtable of 1 KiB rows took one
 *   40–90 ms turn per 16 Ki entries before: issue 9).
 * - buildTable() adds entries in payload order (the iterator's order), which TableBuilder asserts.
 */
import { readVarint, varintLength, writeVarint } from '../util/varint.js';
import type { InternalIterator } from './internal-iterator.js';
import { KIND_POINTER } from './internal-key.js';
import { TableBuilder, type TableBuilderOptions } from './table-builder.js';
import { decodeValuePointer } from './value-pointer.js';

export interface BuiltTable {
  readonly image: Uint8Array;
  readonly smallest: Uint8Array;
  readonly largest: Uint8Array;
  readonly minTs: number;
  readonly maxTs: number;
  readonly entries: number;
  /** Value-log bytes the table points at, per segment. */
  readonly vlogRefs: Array<readonly [number, number]>;
}

/** Adds the value-log record a pointer entry names to `refs` (segment → bytes). */
export function countPointer(refs: Map<number, number>, ikey: Uint8Array, value: Uint8Array): void {
  if (ikey[ikey.length - 1] !== KIND_POINTER) return;
  const pointer = decodeValuePointer(value);
  if (pointer !== undefined) refs.set(pointer.segment, (refs.get(pointer.segment) ?? 0) + pointer.length);
}

/** Entries serialized between two yields to the event loop (so a big flush never blocks it long). */
const ENTRIES_PER_SLICE = 16 * 1024;
/** Bytes serialized between two yields (~250 entries of 1 KiB: about a millisecond). */
const SLICE_BYTES = 256 * 1024;

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Serializes every entry of `iterator` (which it closes), yielding to the event loop every
 * ENTRIES_PER_SLICE entries or SLICE_BYTES bytes. The source must not change meanwhile (a frozen
 * memtable). The result is a view at offset 0 of an ArrayBuffer nobody else holds.
 */
export async function serializeEntries(iterator: InternalIterator, approximateBytes: number): Promise<Uint8Array> {
  let out = Buffer.allocUnsafeSlow(Math.max(1024, approximateBytes + 1024));
  let at = 0;
  let slice = 0;
  let sliceEnd = SLICE_BYTES;
  for (iterator.seekToFirst(); iterator.valid(); iterator.next()) {
    if (++slice === ENTRIES_PER_SLICE || at >= sliceEnd) {
      slice = 0;
      sliceEnd = at + SLICE_BYTES;
      await yieldTurn();
    }
    const key = iterator.key();
    const value = iterator.value();
    const need = at + 16 + key.length + value.length;
    if (need > out.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, out.length * 2));
      out.copy(grown, 0, 0, at);
      out = grown;
    }
    at = writeVarint(out, at, key.length);
    at = writeVarint(out, at, value.length);
    out.set(key, at);
    at += key.length;
    out.set(value, at);
    at += value.length;
  }
  iterator.close();
  return out.subarray(0, at);
}

/** Builds an SSTable image from a serialized payload. */
export function buildTable(payload: Uint8Array, options: TableBuilderOptions): BuiltTable {
  const builder = new TableBuilder(options);
  const scratch = [0];
  const refs = new Map<number, number>();
  let at = 0;
  while (at < payload.length) {
    at = readVarint(payload, at, payload.length, scratch);
    const keyLength = scratch[0] as number;
    at = readVarint(payload, at, payload.length, scratch);
    const valueLength = scratch[0] as number;
    const key = payload.subarray(at, at + keyLength);
    at += keyLength;
    const value = payload.subarray(at, at + valueLength);
    builder.add(key, value);
    countPointer(refs, key, value);
    at += valueLength;
  }
  const image = builder.finish();
  return {
    image,
    smallest: builder.smallest,
    largest: builder.largest,
    minTs: builder.minTs,
    maxTs: builder.maxTs,
    entries: builder.entries,
    vlogRefs: [...refs],
  };
}

/** Bytes a payload entry of these sizes takes (for sizing). */
export function payloadEntryBytes(keyLength: number, valueLength: number): number {
  return varintLength(keyLength) + varintLength(valueLength) + keyLength + valueLength;
}
