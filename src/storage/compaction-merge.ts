/**
 * The pure merge of a compaction or a value-log GC rewrite: input table images → output table
 * images (+ for GC a new value-log segment image). Runs in the compaction worker, or inline.
 *
 * Invariants (DESIGN.md, invariant 5 and Compaction):
 * - Per user key, every version with ts > safePointTs is kept, and so is the newest version with
 *   ts <= safePointTs (the one a read at the safe point sees); older ones are dropped. That newest
 *   one is dropped too when it is a tombstone and `dropTombstones` (the output is the bottom of
 *   the key range: no deeper table overlaps it), since no reader can see anything older.
 * - Every dropped pointer entry adds its record's bytes to the discard stats of its segment.
 * - Outputs are cut only between user keys (a key's versions never straddle two tables of a
 *   level), once an output reaches targetTableBytes.
 * - GC (`gc` set): a kept pointer into gc.segment has its record copied, checksum verified, into
 *   the new segment image and its pointer rewritten to it; the internal key (user key, ts, kind)
 *   is unchanged, so the rewrite is invisible to readers at every ts. A pointer to a record the
 *   liveness check found dead (shadowed at or below the safe point) is dropped instead.
 */
import { crc32 } from '../util/crc32.js';
import { countPointer, type BuiltTable } from './flush-build.js';
import { CorruptionError } from './errors.js';
import type { InternalIterator } from './internal-iterator.js';
import { compareRanges, KIND_POINTER, KIND_TOMBSTONE, readTrailerTs, TRAILER_BYTES } from './internal-key.js';
import { MergingIterator } from './merging-iterator.js';
import { TableBuilder, type TableBuilderOptions } from './table-builder.js';
import { TableReader } from './table-reader.js';
import { VLOG_HEADER_BYTES } from './vlog-record.js';
import { decodeValuePointer, encodeValuePointer } from './value-pointer.js';

export interface GcRewrite {
  /** The segment being collected and its whole image. */
  readonly segment: number;
  readonly image: Uint8Array;
  /** The file number of the output segment. */
  readonly targetSegment: number;
  /** Records found dead (vlog-liveness.ts): their pointer entries are dropped, not copied. */
  readonly deadOffsets: readonly number[];
}

export interface MergeRequest {
  readonly tables: readonly Uint8Array[];
  readonly safePointTs: number;
  readonly dropTombstones: boolean;
  readonly targetTableBytes: number;
  /** One output table per input table (GC rewrites tables in place) instead of one merged run. */
  readonly perInput: boolean;
  readonly builder: TableBuilderOptions;
  /** perInput: how input i's rewrite is built (its level's filter bits); else `builder`. */
  readonly inputBuilders?: readonly TableBuilderOptions[];
  readonly gc?: GcRewrite;
}

export interface MergeResult {
  /** Output tables in key order (perInput: in input order; an emptied input gives entries 0). */
  readonly outputs: BuiltTable[];
  readonly discards: Array<readonly [number, number]>;
  /** The GC output segment image (empty when no record was live). */
  readonly vlogImage?: Uint8Array;
  readonly entriesIn: number;
  readonly entriesDropped: number;
}

class MergeState {
  readonly outputs: BuiltTable[] = [];
  readonly discards = new Map<number, number>();
  readonly vlogChunks: Uint8Array[] = [];
  vlogBytes = 0;
  entriesIn = 0;
  entriesDropped = 0;
  builder: TableBuilder;
  refs = new Map<number, number>();
  readonly dead: ReadonlySet<number>;

  constructor(readonly request: MergeRequest) {
    this.builder = new TableBuilder(request.inputBuilders?.[0] ?? request.builder);
    this.dead = new Set(request.gc?.deadOffsets ?? []);
  }

  finishTable(keepEmpty: boolean): void {
    const builder = this.builder;
    if (builder.entries > 0 || keepEmpty) {
      const image = builder.entries > 0 ? builder.finish() : new Uint8Array(0);
      const { smallest, largest, minTs, maxTs, entries } = builder;
      this.outputs.push({ image, smallest, largest, minTs, maxTs, entries, vlogRefs: [...this.refs] });
    }
    // perInput: outputs stay aligned with the inputs (an emptied one is kept), so the next output is input outputs.length's.
    this.builder = new TableBuilder(this.request.inputBuilders?.[this.outputs.length] ?? this.request.builder);
    this.refs = new Map();
  }
}

function openImage(image: Uint8Array, index: number): TableReader {
  const source = { path: `(compaction input ${index})`, size: image.length, read: (offset: number, length: number): Uint8Array => image.subarray(offset, offset + length) };
  return TableReader.open(source, index + 1, undefined);
}

/** Copies the GC'd record of `pointerBytes` into the new segment; returns the new pointer. */
function relocate(state: MergeState, gc: GcRewrite, offset: number, length: number): Uint8Array {
  const record = gc.image.subarray(offset, offset + length);
  const path = `(value-log segment ${gc.segment})`;
  if (record.length !== length || length < VLOG_HEADER_BYTES) throw new CorruptionError(path, offset, 'value record is truncated');
  const view = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (crc32(view.subarray(4)) !== view.readUInt32LE(0)) throw new CorruptionError(path, offset, 'value record checksum mismatch');
  const pointer = encodeValuePointer({ segment: gc.targetSegment, offset: state.vlogBytes, length });
  state.vlogChunks.push(record);
  state.vlogBytes += length;
  return pointer;
}

/** Merges one sorted source into the current builder(s), applying the drop rules. */
function mergeRun(state: MergeState, iterator: InternalIterator, cutTables: boolean): void {
  const { safePointTs, dropTombstones, targetTableBytes, gc } = state.request;
  // The current user key, copied into a reused buffer (no allocation per key).
  let previous = new Uint8Array(64);
  let previousLength = 0;
  let hasPrevious = false;
  let seenVisible = false;
  for (iterator.seekToFirst(); iterator.valid(); iterator.next()) {
    const ikey = iterator.key();
    let value = iterator.value();
    const userEnd = ikey.length - TRAILER_BYTES;
    state.entriesIn++;
    const sameKey = hasPrevious && compareRanges(previous, 0, previousLength, ikey, 0, userEnd) === 0;
    if (!sameKey) {
      if (cutTables && state.builder.estimatedBytes >= targetTableBytes) state.finishTable(false);
      if (userEnd > previous.length) previous = new Uint8Array(userEnd * 2);
      previous.set(ikey.subarray(0, userEnd));
      previousLength = userEnd;
      hasPrevious = true;
      seenVisible = false;
    }
    const ts = readTrailerTs(ikey, userEnd);
    const kind = ikey[ikey.length - 1] as number;
    let keep = true;
    if (ts <= safePointTs) {
      if (seenVisible) keep = false;
      else {
        seenVisible = true;
        if (kind === KIND_TOMBSTONE && dropTombstones) keep = false;
      }
    }
    if (!keep) {
      state.entriesDropped++;
      countPointer(state.discards, ikey, value);
      continue;
    }
    if (gc !== undefined && kind === KIND_POINTER) {
      const pointer = decodeValuePointer(value);
      if (pointer !== undefined && pointer.segment === gc.segment) {
        if (state.dead.has(pointer.offset)) {
          state.entriesDropped++;
          continue;
        }
        value = relocate(state, gc, pointer.offset, pointer.length);
      }
    }
    state.builder.add(ikey, value);
    countPointer(state.refs, ikey, value);
  }
  iterator.close();
}

/** Runs a merge request (see the module invariants). */
export function mergeTables(request: MergeRequest): MergeResult {
  const state = new MergeState(request);
  const readers = request.tables.map((image, i) => openImage(image, i));
  if (request.perInput) {
    for (const reader of readers) {
      mergeRun(state, reader.iterator(), false);
      state.finishTable(true);
    }
  } else {
    mergeRun(state, new MergingIterator(readers.map((reader) => reader.iterator())), true);
    state.finishTable(false);
  }
  const result: MergeResult = {
    outputs: state.outputs,
    discards: [...state.discards],
    entriesIn: state.entriesIn,
    entriesDropped: state.entriesDropped,
  };
  if (request.gc === undefined) return result;
  return { ...result, vlogImage: Buffer.concat(state.vlogChunks, state.vlogBytes) };
}
