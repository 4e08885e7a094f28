/**
 * Exact liveness of a value-log segment's records, for value-log GC (WiscKey's check): a record is
 * live when some version a reader may see points at it — a version newer than the safe point, or
 * the newest version at or below it. Found by point lookups of each record's key, newest first.
 *
 * Invariants:
 * - Dead stays dead: the safe point only advances and a new write only shadows more, so offsets
 *   found dead here may be dropped by a later rewrite.
 * - The scan stops at the first record that does not parse (only a torn tail can be unparsable:
 *   appends after a crash go to a new segment), or at a zero header (a zero-filled region: only the
 *   active segment, never collected, keeps one; value-log.ts); the rest counts as garbage.
 * - Yields to the event loop once a slice has run SLICE_MS_MAX (checked every SLICE_CHECK_RECORDS
 *   records): a record's check costs a few point lookups, each a pread when its block is not
 *   cached, so a fixed count of records per slice ran for tens of milliseconds on a cold cache.
 */
import { KIND_POINTER, TS_MAX, type KeyVersion } from './internal-key.js';
import { VLOG_HEADER_BYTES } from './vlog-record.js';
import { decodeValuePointer } from './value-pointer.js';

const SLICE_MS_MAX = 2;
const SLICE_CHECK_RECORDS = 16;

export interface SegmentLiveness {
  readonly liveBytes: number;
  readonly deadOffsets: number[];
}

export type FindVersion = (key: Uint8Array, readTs: number) => KeyVersion | undefined;

function isLive(find: FindVersion, key: Uint8Array, segment: number, offset: number, safePointTs: number): boolean {
  let readTs = TS_MAX;
  for (;;) {
    const found = find(key, readTs);
    if (found === undefined) return false;
    if (found.kind === KIND_POINTER) {
      const pointer = decodeValuePointer(found.value);
      if (pointer !== undefined && pointer.segment === segment && pointer.offset === offset) return true;
    }
    if (found.ts <= safePointTs || found.ts <= 1) return false;
    readTs = found.ts - 1;
  }
}

/** Live bytes and dead record offsets of the segment whose bytes are `image`. */
export async function measureLiveness(image: Uint8Array, segment: number, find: FindVersion, safePointTs: number): Promise<SegmentLiveness> {
  const view = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  const deadOffsets: number[] = [];
  let liveBytes = 0;
  let offset = 0;
  let slice = 0;
  let sliceStart = performance.now();
  while (offset + VLOG_HEADER_BYTES <= view.length) {
    const keyLength = view.readUInt32LE(offset + 4);
    const length = VLOG_HEADER_BYTES + keyLength + view.readUInt32LE(offset + 8);
    if (offset + length > view.length || (length === VLOG_HEADER_BYTES && view.readUInt32LE(offset) === 0)) break;
    const key = view.subarray(offset + VLOG_HEADER_BYTES, offset + VLOG_HEADER_BYTES + keyLength);
    if (isLive(find, key, segment, offset, safePointTs)) liveBytes += length;
    else deadOffsets.push(offset);
    offset += length;
    if (++slice === SLICE_CHECK_RECORDS) {
      slice = 0;
      if (performance.now() - sliceStart >= SLICE_MS_MAX) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
  }
  return { liveBytes, deadOffsets };
}
