/**
 * Manifest edits: each one a log record (log-record.ts) of the manifest file. Format:
 * docs/format.md, "Manifest edit".
 *
 *   edit  = field*
 *   field = tag u8 ‖ body
 *     1 nextFileNumber  varint
 *     2 lastTs          varint
 *     3 logCheckpoint   varint   (first commit-log segment still needed)
 *     4 addTable        level varint ‖ fileNumber varint ‖ sizeBytes varint ‖ minTs varint ‖
 *                       maxTs varint ‖ smallestLength varint ‖ smallest ‖ largestLength varint ‖ largest
 *     5 removeTable     level varint ‖ fileNumber varint
 *     6 vlogDiscard     segment varint ‖ bytes varint   (discard stats: state = this value)
 *     7 removeVlog      segment varint   (segment deleted by value-log GC)
 *     8 addGcVlog       segment varint   (a value-log GC output segment `NNNNNN.vgc`)
 *     9 tableVlogRefs   count varint ‖ (segment varint ‖ bytes varint)*   (of the addTable before it)
 *
 * Invariants:
 * - Decoding validates every length; an unknown tag or a truncated field is a CorruptionError.
 */
import { readVarint, varintLength, writeVarint } from '../util/varint.js';
import { CorruptionError } from './errors.js';

export interface ManifestTable {
  readonly level: number;
  readonly fileNumber: number;
  readonly sizeBytes: number;
  readonly minTs: number;
  readonly maxTs: number;
  /** Smallest and largest internal keys of the table. */
  readonly smallest: Uint8Array;
  readonly largest: Uint8Array;
  /** Value-log bytes the table points at, per segment (value-log GC finds tables by it). */
  readonly vlogRefs?: ReadonlyArray<readonly [number, number]>;
}

export interface ManifestEdit {
  nextFileNumber?: number;
  lastTs?: number;
  logCheckpoint?: number;
  addTables?: ManifestTable[];
  removeTables?: Array<{ level: number; fileNumber: number }>;
  /** Discard stats: bytes of each segment that compactions made garbage (absolute values). */
  vlogDiscards?: Array<readonly [number, number]>;
  removeVlogs?: number[];
  addGcVlogs?: number[];
}

const TAG_NEXT_FILE = 1;
const TAG_LAST_TS = 2;
const TAG_CHECKPOINT = 3;
const TAG_ADD_TABLE = 4;
const TAG_REMOVE_TABLE = 5;
const TAG_VLOG_DISCARD = 6;
const TAG_REMOVE_VLOG = 7;
const TAG_ADD_GC_VLOG = 8;
const TAG_TABLE_VLOG_REFS = 9;

class Writer {
  private parts: number[] = [];
  private chunks: Uint8Array[] = [];
  varint(value: number): void {
    const tmp = new Uint8Array(varintLength(value));
    writeVarint(tmp, 0, value);
    this.flushBytes();
    this.chunks.push(tmp);
  }
  byte(value: number): void {
    this.parts.push(value);
  }
  bytes(data: Uint8Array): void {
    this.varint(data.length);
    this.chunks.push(data);
  }
  private flushBytes(): void {
    if (this.parts.length > 0) this.chunks.push(Uint8Array.from(this.parts));
    this.parts = [];
  }
  finish(): Uint8Array {
    this.flushBytes();
    return Buffer.concat(this.chunks);
  }
}

export function encodeManifestEdit(edit: ManifestEdit): Uint8Array {
  const w = new Writer();
  const scalar = (tag: number, value: number | undefined): void => {
    if (value === undefined) return;
    w.byte(tag);
    w.varint(value);
  };
  scalar(TAG_NEXT_FILE, edit.nextFileNumber);
  scalar(TAG_LAST_TS, edit.lastTs);
  scalar(TAG_CHECKPOINT, edit.logCheckpoint);
  for (const t of edit.addTables ?? []) {
    w.byte(TAG_ADD_TABLE);
    for (const n of [t.level, t.fileNumber, t.sizeBytes, t.minTs, t.maxTs]) w.varint(n);
    w.bytes(t.smallest);
    w.bytes(t.largest);
    if (t.vlogRefs !== undefined) {
      w.byte(TAG_TABLE_VLOG_REFS);
      w.varint(t.vlogRefs.length);
      for (const [segment, bytes] of t.vlogRefs) {
        w.varint(segment);
        w.varint(bytes);
      }
    }
  }
  for (const t of edit.removeTables ?? []) {
    w.byte(TAG_REMOVE_TABLE);
    w.varint(t.level);
    w.varint(t.fileNumber);
  }
  for (const [segment, bytes] of edit.vlogDiscards ?? []) {
    w.byte(TAG_VLOG_DISCARD);
    w.varint(segment);
    w.varint(bytes);
  }
  for (const segment of edit.removeVlogs ?? []) scalar(TAG_REMOVE_VLOG, segment);
  for (const segment of edit.addGcVlogs ?? []) scalar(TAG_ADD_GC_VLOG, segment);
  return w.finish();
}

export function decodeManifestEdit(payload: Uint8Array, path: string, offset: number): ManifestEdit {
  const fail = (detail: string): never => {
    throw new CorruptionError(path, offset, `manifest edit: ${detail}`);
  };
  const out = [0];
  let at = 0;
  const varint = (): number => {
    at = readVarint(payload, at, payload.length, out);
    if (at < 0) fail('truncated varint');
    return out[0] as number;
  };
  const bytes = (): Uint8Array => {
    const length = varint();
    if (at + length > payload.length) fail('truncated bytes');
    const data = payload.slice(at, at + length);
    at += length;
    return data;
  };
  const edit: ManifestEdit = {};
  while (at < payload.length) {
    const tag = payload[at++] as number;
    if (tag === TAG_NEXT_FILE) edit.nextFileNumber = varint();
    else if (tag === TAG_LAST_TS) edit.lastTs = varint();
    else if (tag === TAG_CHECKPOINT) edit.logCheckpoint = varint();
    else if (tag === TAG_ADD_TABLE) {
      const [level, fileNumber, sizeBytes, minTs, maxTs] = [varint(), varint(), varint(), varint(), varint()];
      (edit.addTables ??= []).push({ level, fileNumber, sizeBytes, minTs, maxTs, smallest: bytes(), largest: bytes() });
    } else if (tag === TAG_REMOVE_TABLE) {
      (edit.removeTables ??= []).push({ level: varint(), fileNumber: varint() });
    } else if (tag === TAG_TABLE_VLOG_REFS) {
      const tables = edit.addTables ?? fail('vlog refs without a table');
      const count = varint();
      if (count > payload.length) fail('bad vlog ref count');
      const refs: Array<readonly [number, number]> = [];
      for (let i = 0; i < count; i++) refs.push([varint(), varint()]);
      tables[tables.length - 1] = { ...(tables[tables.length - 1] as ManifestTable), vlogRefs: refs };
    } else if (tag === TAG_VLOG_DISCARD) (edit.vlogDiscards ??= []).push([varint(), varint()]);
    else if (tag === TAG_REMOVE_VLOG) (edit.removeVlogs ??= []).push(varint());
    else if (tag === TAG_ADD_GC_VLOG) (edit.addGcVlogs ??= []).push(varint());
    else fail(`unknown tag ${tag}`);
  }
  return edit;
}
