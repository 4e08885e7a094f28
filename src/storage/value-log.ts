/**
 * The value log (WiscKey): append-only segment files `NNNNNN.vlog` of checksummed records holding
 * key and value; read by value pointer. Format: docs/format.md, "Value log".
 *
 *   record = crc u32le ‖ keyLength u32le ‖ valueLength u32le ‖ key ‖ value
 *   crc    = crc32 of every byte after the crc field
 *
 * Invariants:
 * - append() stages a record and hands out its pointer; write() hands every staged record to the OS
 *   with one append call, sync() also makes them durable. Group commit syncs them together with
 *   the commit records that point at them (sync 'full': concurrently; recovery drops a commit
 *   whose values did not become durable, engine-recovery.ts) and no reader sees a pointer before
 *   its commit is applied, which is after both syncs.
 * - A group's values all go to one segment: rotation happens only in rotateIfFull(), between groups.
 * - An append that fails for lack of space is cut back (cutBack()) before the next group appends:
 *   a segment holds whole records only. Whole records of a group whose commit record failed stay
 *   behind unreferenced (garbage for GC, never read).
 * - read() checks the CRC, the lengths and that the record belongs to the expected key; any
 *   mismatch is a CorruptionError naming the segment file and offset — never wrong data. It reads
 *   the record into a scratch buffer (read-into.ts) and returns a pooled copy of the value
 *   (pooled-copy.ts): no ArrayBuffer per read.
 * - Segments are deleted only through remove(), which value-log GC calls once no reader can reach
 *   the segment (vlog-gc.ts); GC output segments are named `NNNNNN.vgc` (same record format).
 */
import { assert } from '../util/assert.js';
import { crc32 } from '../util/crc32.js';
import { AppendMark } from './append-rollback.js';
import { CorruptionError } from './errors.js';
import { pooledCopy } from './pooled-copy.js';
import { readIntoFile } from './read-into.js';
import { ValueCache } from './value-cache.js';
import type { ValuePointer } from './value-pointer.js';
import { joinPath, type Vfs, type VfsFile } from './vfs.js';

export const VLOG_HEADER_BYTES = 12;
/** A stage grown past this (one huge group) is dropped after its write rather than kept. */
const STAGE_KEEP_BYTES = 16 * 1024 * 1024;
/** Initial size of the scratch buffer foreground reads read records into. */
const READ_SCRATCH_BYTES_MIN = 4 * 1024;
/** A record longer than this is read into a buffer of its own, not into a scratch kept for later. */
const READ_SCRATCH_KEEP_BYTES = 256 * 1024;

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
  if (Buffer.compare(record.subarray(VLOG_HEADER_BYTES, VLOG_HEADER_BYTES + keyLength), key) !== 0) return 'value record belongs to another key';
  return undefined;
}

export class ValueLog {
  private readonly files = new Map<number, VfsFile>();
  private readonly gcSegments = new Set<number>();
  private active: VfsFile | undefined;
  private activeSegment = 0;
  /** Records appended since the last write(), back to back (reused between groups). */
  private stage: Buffer = Buffer.allocUnsafe(0);
  private stagedBytes = 0;
  /** Stage offsets of the staged records, for the value cache (only when it is on). */
  private readonly stagedRecords: number[] = [];
  /** Bytes appended over the engine's lifetime (for stats). */
  bytesWritten = 0;
  /** Bytes read by foreground reads (read()) over the engine's lifetime (for stats). */
  bytesRead = 0;
  private readonly mark: AppendMark;
  /**
   * Foreground reads (read()) read each record here, check it and copy its value out, so a read
   * creates no ArrayBuffer (read-into.ts, pooled-copy.ts). Grown up to READ_SCRATCH_KEEP_BYTES.
   */
  private readScratch: Buffer = Buffer.allocUnsafeSlow(READ_SCRATCH_BYTES_MIN);

  constructor(
    private readonly vfs: Vfs,
    private readonly dir: string,
    private readonly segmentBytesMax: number,
    private readonly allocateFileNumber: () => number,
    /** Values read by point reads (value-cache.ts); capacity 0 turns it off. */
    readonly cache: ValueCache = new ValueCache(0),
  ) {
    this.mark = new AppendMark(vfs);
  }

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

  /** Stages one record for the active segment (one copy of key and value); returns its pointer. */
  append(key: Uint8Array, value: Uint8Array): ValuePointer {
    assert(this.active !== undefined, 'append before rotateIfFull()');
    const length = VLOG_HEADER_BYTES + key.length + value.length;
    const at = this.stagedBytes;
    if (at + length > this.stage.length) this.growStage(at + length);
    const stage = this.stage;
    stage.writeUInt32LE(key.length, at + 4);
    stage.writeUInt32LE(value.length, at + 8);
    stage.set(key, at + VLOG_HEADER_BYTES);
    stage.set(value, at + VLOG_HEADER_BYTES + key.length);
    stage.writeUInt32LE(crc32(stage.subarray(at + 4, at + length)), at);
    this.stagedBytes += length;
    this.bytesWritten += length;
    if (this.cache.capacityBytes > 0) this.stagedRecords.push(at);
    return { segment: this.activeSegment, offset: this.active.size() + at, length };
  }

  /**
   * After a successful write(): the group's values are offered to the value cache (write-through:
   * kept when their key was read lately), so a read of a hot key just updated costs no pread.
   * Their offsets are final: only a failed write is cut back.
   */
  private cacheStaged(fileOffset: number): void {
    const stage = this.stage;
    for (const at of this.stagedRecords) {
      const keyStart = at + VLOG_HEADER_BYTES;
      const valueStart = keyStart + stage.readUInt32LE(at + 4);
      const key = stage.subarray(keyStart, valueStart);
      this.cache.offer(this.activeSegment, fileOffset + at, key, stage.subarray(valueStart, valueStart + stage.readUInt32LE(at + 8)));
    }
  }

  private growStage(bytes: number): void {
    const grown = Buffer.allocUnsafe(Math.max(bytes, this.stage.length * 2, 64 * 1024));
    this.stage.copy(grown, 0, 0, this.stagedBytes);
    this.stage = grown;
  }

  /**
   * Writes the staged records to the active segment with one append (to the OS, not yet durable).
   * Group commit calls it before appending the commit records, then syncs both logs concurrently.
   */
  write(): void {
    if (this.active === undefined || this.stagedBytes === 0) return;
    const bytes = this.stagedBytes;
    this.stagedBytes = 0;
    try {
      const fileOffset = this.active.size();
      this.mark.append(this.active, this.stage.subarray(0, bytes));
      this.cacheStaged(fileOffset);
    } catch (error) {
      this.bytesWritten -= bytes;
      throw error;
    } finally {
      this.stagedRecords.length = 0;
      // Every Vfs copies appended bytes, so the stage is reused; a huge one is let go.
      if (this.stage.length > STAGE_KEEP_BYTES) this.stage = Buffer.allocUnsafe(0);
    }
  }

  /** Writes the staged records (write()) and makes every record of the active segment durable. */
  async sync(): Promise<void> {
    if (this.active === undefined) return;
    this.write();
    await this.active.sync();
  }

  /**
   * After write() failed for lack of space: cuts the active segment back to its size before the
   * append (append-rollback.ts), so the next group's records follow whole records only.
   */
  cutBack(): Promise<void> {
    return this.mark.cut();
  }

  /**
   * Reads the value `pointer` names, checking it belongs to `key`; returns a fresh copy (pooled,
   * pooled-copy.ts) — the record is read into a scratch buffer, and the value cache never hands
   * out its own buffers either.
   */
  read(pointer: ValuePointer, key: Uint8Array): Uint8Array {
    const cached = this.cache.get(pointer.segment, pointer.offset, key);
    if (cached !== undefined) return cached;
    const file = this.files.get(pointer.segment);
    if (file === undefined) throw new CorruptionError(joinPath(this.dir, this.nameOf(pointer.segment)), pointer.offset, 'value pointer names a missing segment');
    const length = pointer.length;
    const record = length <= this.readScratch.length ? this.readScratch : this.scratchFor(length);
    const n = readIntoFile(file, pointer.offset, record, 0, length);
    this.bytesRead += n;
    const problem = vlogRecordProblem(record, length, key, n);
    if (problem !== undefined) throw new CorruptionError(joinPath(this.dir, this.nameOf(pointer.segment)), pointer.offset, problem);
    const value = pooledCopy(record.subarray(VLOG_HEADER_BYTES + record.readUInt32LE(4), length));
    this.cache.offer(pointer.segment, pointer.offset, key, value);
    return value;
  }

  /** A buffer of at least `length` bytes for read(): the scratch, grown, unless that is too long to keep. */
  private scratchFor(length: number): Buffer {
    if (length > READ_SCRATCH_KEEP_BYTES) return Buffer.allocUnsafeSlow(length);
    this.readScratch = Buffer.allocUnsafeSlow(Math.min(READ_SCRATCH_KEEP_BYTES, Math.max(length, this.readScratch.length * 2)));
    return this.readScratch;
  }

  close(): void {
    this.stagedBytes = 0;
    this.stagedRecords.length = 0;
    for (const file of this.files.values()) file.close();
    this.files.clear();
    this.active = undefined;
  }
}
