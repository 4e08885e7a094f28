/**
 * The value log (WiscKey): append-only segment files `NNNNNN.vlog` of checksummed records holding
 * key and value; read by value pointer. Format: docs/format.md, "Value log".
 *
 *   record = crc u32le ‖ keyLength u32le ‖ valueLength u32le ‖ key ‖ value
 *   crc    = crc32 of every byte after the crc field
 *
 * Invariants:
 * - append() stages a record and hands out its pointer; sync() writes every staged record with one
 *   append call and makes them durable (group commit syncs before the commit record is written,
 *   and no reader sees a pointer before its commit is applied, which is after that sync).
 * - A group's values all go to one segment: rotation happens only in rotateIfFull(), between groups.
 * - read() checks the CRC, the lengths and that the record belongs to the expected key; any
 *   mismatch is a CorruptionError naming the segment file and offset — never wrong data.
 * - Segments are deleted only through remove(), which value-log GC calls once no reader can reach
 *   the segment (vlog-gc.ts); GC output segments are named `NNNNNN.vgc` (same record format).
 */
import { assert } from '../util/assert.js';
import { crc32 } from '../util/crc32.js';
import { CorruptionError } from './errors.js';
import type { ValuePointer } from './value-pointer.js';
import { joinPath, type Vfs, type VfsFile } from './vfs.js';

export const VLOG_HEADER_BYTES = 12;

export function vlogName(segment: number): string {
  return `${String(segment).padStart(6, '0')}.vlog`;
}

/** The name of a value-log GC output segment (recovery deletes one the manifest does not list). */
export function gcVlogName(segment: number): string {
  return `${String(segment).padStart(6, '0')}.vgc`;
}

export class ValueLog {
  private readonly files = new Map<number, VfsFile>();
  private readonly gcSegments = new Set<number>();
  private active: VfsFile | undefined;
  private activeSegment = 0;
  private staged: Uint8Array[] = [];
  private stagedBytes = 0;
  /** Bytes appended over the engine's lifetime (for stats). */
  bytesWritten = 0;

  constructor(
    private readonly vfs: Vfs,
    private readonly dir: string,
    private readonly segmentBytesMax: number,
    private readonly allocateFileNumber: () => number,
  ) {}

  /** Registers the existing segments found on open (read-only); `gcSegments` are `.vgc` files. */
  openExisting(segments: readonly number[], gcSegments: readonly number[] = []): void {
    for (const segment of segments) this.files.set(segment, this.vfs.openRead(joinPath(this.dir, vlogName(segment))));
    for (const segment of gcSegments) this.addGcSegment(segment);
  }

  /** Registers a GC output segment already written and synced. */
  addGcSegment(segment: number): void {
    this.gcSegments.add(segment);
    this.files.set(segment, this.vfs.openRead(joinPath(this.dir, gcVlogName(segment))));
  }

  segments(): number[] {
    return [...this.files.keys()];
  }

  /** The segment appends go to (undefined before the first value-log write). */
  get activeSegmentNumber(): number | undefined {
    return this.active === undefined ? undefined : this.activeSegment;
  }

  /**
   * The segment the next append can go to without a rotation (undefined when none is open or
   * the active one is full: the next group's values then go to a newly allocated segment).
   */
  get appendableSegment(): number | undefined {
    return this.active === undefined || this.active.size() + this.stagedBytes >= this.segmentBytesMax ? undefined : this.activeSegment;
  }

  /** Size of a segment in bytes (0 when unknown). */
  segmentBytes(segment: number): number {
    return this.files.get(segment)?.size() ?? 0;
  }

  /** Total bytes of every segment on disk. */
  get totalBytes(): number {
    let total = 0;
    for (const file of this.files.values()) total += file.size();
    return total;
  }

  /** The file name of a segment (`.vlog` or `.vgc`). */
  nameOf(segment: number): string {
    return this.gcSegments.has(segment) ? gcVlogName(segment) : vlogName(segment);
  }

  /** The open file of a segment (value-log GC reads a whole non-active segment through it). */
  segmentFile(segment: number): VfsFile {
    const file = this.files.get(segment);
    assert(file !== undefined, `segment ${segment} is not open`);
    return file;
  }

  /** Closes and deletes a segment no reader can reach any more (never the active one). */
  remove(segment: number): void {
    assert(this.active === undefined || segment !== this.activeSegment, 'remove of the active segment');
    const file = this.files.get(segment);
    if (file === undefined) return;
    const path = joinPath(this.dir, this.nameOf(segment));
    file.close();
    this.files.delete(segment);
    this.gcSegments.delete(segment);
    this.vfs.remove(path);
  }

  /**
   * Starts a new segment when the active one is full (or none is open yet); its directory entry
   * is durable before any pointer into it is handed out.
   */
  async rotateIfFull(): Promise<void> {
    if (this.active !== undefined && this.active.size() < this.segmentBytesMax) return;
    const segment = this.allocateFileNumber();
    const file = this.vfs.openAppend(joinPath(this.dir, vlogName(segment)));
    this.files.set(segment, file);
    await this.vfs.syncDir(this.dir);
    this.activeSegment = segment;
    this.active = file;
  }

  /** Appends one record to the active segment; returns its pointer. */
  append(key: Uint8Array, value: Uint8Array): ValuePointer {
    assert(this.active !== undefined, 'append before rotateIfFull()');
    const file = this.active;
    const record = Buffer.allocUnsafe(VLOG_HEADER_BYTES + key.length + value.length);
    record.writeUInt32LE(key.length, 4);
    record.writeUInt32LE(value.length, 8);
    record.set(key, VLOG_HEADER_BYTES);
    record.set(value, VLOG_HEADER_BYTES + key.length);
    record.writeUInt32LE(crc32(record.subarray(4)), 0);
    const offset = file.size() + this.stagedBytes;
    this.staged.push(record);
    this.stagedBytes += record.length;
    this.bytesWritten += record.length;
    return { segment: this.activeSegment, offset, length: record.length };
  }

  /** Writes the staged records (one append) and makes every record durable. */
  async sync(): Promise<void> {
    if (this.active === undefined) return;
    if (this.staged.length > 0) {
      const data = this.staged.length === 1 ? (this.staged[0] as Uint8Array) : Buffer.concat(this.staged, this.stagedBytes);
      this.staged = [];
      this.stagedBytes = 0;
      this.active.append(data);
    }
    await this.active.sync();
  }

  /** Reads the value `pointer` names, checking it belongs to `key`. */
  read(pointer: ValuePointer, key: Uint8Array): Uint8Array {
    const path = joinPath(this.dir, this.nameOf(pointer.segment));
    const file = this.files.get(pointer.segment);
    if (file === undefined) throw new CorruptionError(path, pointer.offset, 'value pointer names a missing segment');
    const record = file.read(pointer.offset, pointer.length);
    const buf = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
    const fail = (detail: string): never => {
      throw new CorruptionError(path, pointer.offset, detail);
    };
    if (buf.length !== pointer.length || buf.length < VLOG_HEADER_BYTES) fail('value record is truncated');
    if (crc32(buf.subarray(4)) !== buf.readUInt32LE(0)) fail('value record checksum mismatch');
    const keyLength = buf.readUInt32LE(4);
    if (VLOG_HEADER_BYTES + keyLength + buf.readUInt32LE(8) !== buf.length) fail('value record lengths mismatch');
    if (Buffer.compare(buf.subarray(VLOG_HEADER_BYTES, VLOG_HEADER_BYTES + keyLength), key) !== 0) {
      fail('value record belongs to another key');
    }
    return buf.subarray(VLOG_HEADER_BYTES + keyLength);
  }

  close(): void {
    this.staged = [];
    this.stagedBytes = 0;
    for (const file of this.files.values()) file.close();
    this.files.clear();
    this.active = undefined;
  }
}
