/**
 * The value log (WiscKey): append-only segment files `NNNNNN.vlog` of checksummed records holding
 * key and value; read by value pointer. Format: docs/format.md, "Value log"; the record layout, its
 * checks and the scan for a segment's end: vlog-record.ts.
 *
 *   record = crc u32le ‖ keyLength u32le ‖ valueLength u32le ‖ key ‖ value
 *
 * Invariants:
 * - append() stages a record and hands out its pointer; write() hands every staged record to the OS
 *   with one append call, sync() also makes them durable. Group commit syncs them together with
 *   the commit records that point at them (sync 'full': concurrently; recovery drops a commit
 *   whose values did not become durable, engine-recovery.ts) and no reader sees a pointer before
 *   its commit is applied, which is after both syncs.
 * - A group's values all go to one segment: rotation happens only in rotateIfFull(), between groups.
 * - Records are written at the active segment's log end (logEnd), not at its file end: while
 *   groups are small (≤ FILL_GROUP_BYTES_MAX) the segment keeps a zero-filled, durable region ahead
 *   of it (log-preallocator.ts, vlogPreallocShape), so a group's fdatasync flushes data only. A
 *   bigger group (a bulk load) starts no fill: its bytes are written once, its sync carries the
 *   metadata. Without positional writes in the Vfs, records are appended (logEnd = file size).
 * - Only the active segment may end in zeros: rotateIfFull() cuts it to its log end, durably,
 *   before the next segment is created, and openExisting() cuts the last segment of a previous run
 *   to its log end (vlogLogEnd: whole records, then only a torn write) before any is created.
 * - An append that fails for lack of space is cut back (cutBack()) before the next group appends:
 *   a segment holds whole records only. Whole records of a group whose commit record failed stay
 *   behind unreferenced (garbage for GC, never read).
 * - A failed fill (other than for lack of space) fails every later write and sync (sticky).
 * - read() checks the CRC, the lengths and that the record belongs to the expected key; any
 *   mismatch is a CorruptionError naming the segment file and offset — never wrong data. It reads
 *   the record into a scratch buffer (read-into.ts) and returns a pooled copy of the value
 *   (pooled-copy.ts): no ArrayBuffer per read.
 * - Segments are deleted only through remove(), which value-log GC calls once no reader can reach
 *   the segment (vlog-gc.ts); GC output segments are named `NNNNNN.vgc` (same record format).
 */
import { assert } from '../util/assert.js';
import { crc32 } from '../util/crc32.js';
import { readVarint } from '../util/varint.js';
import { AppendMark } from './append-rollback.js';
import { CorruptionError } from './errors.js';
import { createLogSegment, FILL_GROUP_BYTES_MAX, type LogPreallocator, type NewLogSegment, type PreallocShape, type PreallocStats } from './log-preallocator.js';
import type { EngineLogger } from './options.js';
import { pooledCopy } from '../util/pooled-copy.js';
import { readIntoFile } from './read-into.js';
import { ValueCache } from './value-cache.js';
import type { ValuePointer } from './value-pointer.js';
import { joinPath, type Vfs, type VfsFile } from './vfs.js';
import { gcVlogName, VLOG_HEADER_BYTES, vlogLogEnd, vlogName, vlogRecordProblem } from './vlog-record.js';

/** A stage grown past this (one huge group) is dropped after its write rather than kept. */
const STAGE_KEEP_BYTES = 16 * 1024 * 1024;
/** Initial size of the scratch buffer foreground reads read records into. */
const READ_SCRATCH_BYTES_MIN = 4 * 1024;
/** A record longer than this is read into a buffer of its own, not into a scratch kept for later. */
const READ_SCRATCH_KEEP_BYTES = 256 * 1024;

/**
 * The value log's zero-filled regions: 64 KiB doubling to 256 KiB (a small group fills a 256 KiB
 * chunk every ~30 groups of 8 KiB; a bigger chunk would only hold the zeros longer on disk), never
 * past the size at which the segment rotates (zeros there would only be cut off again).
 */
export function vlogPreallocShape(segmentBytesMax: number): PreallocShape {
  return { chunkMinBytes: 64 * 1024, chunkMaxBytes: 256 * 1024, fileBytesMax: segmentBytesMax, logName: 'value log' };
}
export { FILL_GROUP_BYTES_MAX };
/** Offsets of staged records kept between groups (a bigger group's array is let go after it). */
const STAGED_RECORDS_KEEP = 4096;

export class ValueLog {
  private readonly files = new Map<number, VfsFile>();
  private readonly gcSegments = new Set<number>();
  private active: VfsFile | undefined;
  private activeSegment = 0;
  /** Where the next write goes in the active segment (its records end here; zeros may follow). */
  private logEnd = 0;
  private prealloc: LogPreallocator | undefined;
  /** Bytes of the last group written: the active segment is filled ahead only after small ones. */
  private lastGroupBytes = 0;
  /** The cut of the previous run's last segment (openExisting()), awaited before a new segment. */
  private openCut: Promise<void> | undefined;
  private openCutFailure: unknown;
  /** Zero bytes written ahead of the log (counted as bytes written), fills stopped by no space. */
  readonly preallocStats: PreallocStats = { zeroBytes: 0, spaceFailures: 0 };
  /** Records appended since the last write(), back to back (reused between groups). */
  private stage: Buffer = Buffer.allocUnsafe(0);
  private stagedBytes = 0;
  /** Stage offsets of the staged records, for the value cache (only when it is on). */
  private readonly stagedRecords: number[] = [];
  /** Entries of stagedRecords in use (the array keeps its capacity from group to group). */
  private stagedCount = 0;
  /** Bytes appended over the engine's lifetime (for stats). */
  bytesWritten = 0;
  /** Bytes read by foreground reads (read()) over the engine's lifetime (for stats). */
  bytesRead = 0;
  private readonly mark: AppendMark;
  private readonly preallocShape: PreallocShape;
  /**
   * Foreground reads (read()) read each record here, check it and copy its value out, so a read
   * creates no ArrayBuffer (read-into.ts, pooled-copy.ts). Grown up to READ_SCRATCH_KEEP_BYTES.
   */
  private readScratch: Buffer = Buffer.allocUnsafeSlow(READ_SCRATCH_BYTES_MIN);
  /** readVarint's out parameter (readPointed). */
  private readonly varint = [0];

  constructor(
    private readonly vfs: Vfs,
    private readonly dir: string,
    private readonly segmentBytesMax: number,
    private readonly allocateFileNumber: () => number,
    /** Values read by point reads (value-cache.ts); capacity 0 turns it off. */
    readonly cache: ValueCache = new ValueCache(0),
    private readonly logger?: EngineLogger,
    /** Keep a zero-filled region ahead of the active segment's end (see the invariants). */
    private readonly preallocate = true,
  ) {
    this.mark = new AppendMark(vfs);
    this.preallocShape = vlogPreallocShape(segmentBytesMax);
  }

  /**
   * Registers the existing segments found on open (read-only); `gcSegments` are `.vgc` files.
   * The last `.vlog` segment (the active one of the previous run) is cut to its log end
   * (vlogLogEnd): its zero-filled region and a torn group go. The cut takes effect at
   * once (size() of every handle); its sync is awaited before the first new segment is created.
   */
  openExisting(segments: readonly number[], gcSegments: readonly number[] = []): void {
    for (const segment of segments) this.files.set(segment, this.vfs.openRead(joinPath(this.dir, vlogName(segment))));
    for (const segment of gcSegments) this.addGcSegment(segment);
    const last = this.files.get(Math.max(...segments));
    if (last === undefined) return;
    const end = vlogLogEnd(last);
    if (end === last.size()) return;
    this.openCut = this.vfs.truncate(last.path, end).catch((error: unknown) => {
      this.openCutFailure = error;
    });
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
    return this.active === undefined || this.logEnd + this.stagedBytes >= this.segmentBytesMax ? undefined : this.activeSegment;
  }

  /** Bytes of records in a segment (0 when unknown): the active one's zero-filled region not counted. */
  segmentBytes(segment: number): number {
    if (this.active !== undefined && segment === this.activeSegment) return this.logEnd;
    return this.files.get(segment)?.size() ?? 0;
  }

  /** Total bytes of every segment on disk (the active one's zero-filled region included). */
  get totalBytes(): number {
    let total = 0;
    for (const file of this.files.values()) total += file === this.active ? Math.max(file.size(), this.prealloc?.fileEnd ?? 0) : file.size();
    return total;
  }

  /** Bytes ahead of the active segment's log end that are zero-filled and durable (0 without). */
  get preallocatedBytes(): number {
    return Math.max(0, (this.prealloc?.durableEnd ?? 0) - this.logEnd);
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
   * Starts a new segment when the active one is full (or none is open yet): the active one (synced
   * by its groups) is first cut to its log end, durably; the new one's directory entry (and, after
   * small groups, its first zero-filled region) is durable before any pointer into it is handed
   * out. On failure the active segment stays in use.
   */
  async rotateIfFull(): Promise<void> {
    if (!this.needsRotation()) return;
    await this.awaitOpenCut();
    await this.cutActiveToLogEnd();
    const segment = this.allocateFileNumber();
    const shape = this.preallocate ? this.preallocShape : undefined;
    let created: NewLogSegment;
    try {
      const prefill = this.lastGroupBytes <= FILL_GROUP_BYTES_MAX;
      created = await createLogSegment(this.vfs, this.dir, joinPath(this.dir, vlogName(segment)), { stats: this.preallocStats, shape, prefill, logger: this.logger });
    } catch (error) {
      this.prealloc?.resume();
      throw error;
    }
    const { file, prealloc } = created;
    this.prealloc?.close();
    this.files.set(segment, file);
    this.activeSegment = segment;
    this.active = file;
    this.prealloc = prealloc;
    this.logEnd = 0;
  }

  private async awaitOpenCut(): Promise<void> {
    if (this.openCut === undefined) return;
    await this.openCut;
    if (this.openCutFailure !== undefined) throw this.openCutFailure;
    this.openCut = undefined;
  }

  /** Stops the active segment's fill and cuts its zero-filled region off, durably. */
  private async cutActiveToLogEnd(): Promise<void> {
    if (this.active !== undefined) await this.prealloc?.cutTo(this.vfs, this.active.path, this.logEnd);
  }

  /** Stages one record for the active segment (one copy of key and value); returns its pointer. */
  append(key: Uint8Array, value: Uint8Array): ValuePointer {
    const offset = this.appendAt(key, value);
    return { segment: this.activeSegment, offset, length: VLOG_HEADER_BYTES + key.length + value.length };
  }

  /**
   * append() returning only the record's offset in the active segment (activeSegmentNumber; its
   * length is VLOG_HEADER_BYTES + key and value lengths): the commit path makes no pointer object.
   */
  appendAt(key: Uint8Array, value: Uint8Array): number {
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
    if (this.cache.capacityBytes > 0) this.stagedRecords[this.stagedCount++] = at;
    return this.logEnd + at;
  }

  /**
   * After a successful write(): the group's values are offered to the value cache (write-through:
   * kept when their key was read lately), so a read of a hot key just updated costs no pread.
   * Their offsets are final: only a failed write is cut back.
   */
  private cacheStaged(fileOffset: number): void {
    const stage = this.stage;
    const records = this.stagedRecords;
    for (let i = 0; i < this.stagedCount; i++) {
      const at = records[i] as number;
      const keyStart = at + VLOG_HEADER_BYTES;
      const valueStart = keyStart + stage.readUInt32LE(at + 4);
      this.cache.offerRange(this.activeSegment, fileOffset + at, stage, keyStart, valueStart, valueStart, valueStart + stage.readUInt32LE(at + 8));
    }
  }

  private growStage(bytes: number): void {
    const grown = Buffer.allocUnsafe(Math.max(bytes, this.stage.length * 2, 64 * 1024));
    this.stage.copy(grown, 0, 0, this.stagedBytes);
    this.stage = grown;
  }

  /**
   * Writes the staged records at the active segment's log end with one write call (to the OS, not
   * yet durable). Group commit calls it before appending the commit records, then syncs both logs
   * concurrently. After a small group, a fill of the region ahead may start (not waited for).
   */
  write(): void {
    if (this.active === undefined || this.stagedBytes === 0) return;
    const bytes = this.stagedBytes;
    this.stagedBytes = 0;
    try {
      this.throwIfFillFailed();
      const at = this.logEnd;
      if (this.prealloc !== undefined) this.mark.writeAt(this.active, at, this.stage.subarray(0, bytes));
      else this.mark.append(this.active, this.stage.subarray(0, bytes));
      this.logEnd = at + bytes;
      this.lastGroupBytes = bytes;
      this.prealloc?.advance(this.logEnd, bytes <= FILL_GROUP_BYTES_MAX);
      this.cacheStaged(at);
    } catch (error) {
      this.bytesWritten -= bytes;
      throw error;
    } finally {
      this.stagedCount = 0;
      if (this.stagedRecords.length > STAGED_RECORDS_KEEP) this.stagedRecords.length = 0;
      // Every Vfs copies appended bytes, so the stage is reused; a huge one is let go.
      if (this.stage.length > STAGE_KEEP_BYTES) this.stage = Buffer.allocUnsafe(0);
    }
  }

  /** True when the next group's values need a new segment first (rotateIfFull() would rotate). */
  needsRotation(): boolean {
    return this.active === undefined || this.logEnd >= this.segmentBytesMax;
  }

  /**
   * sync() without an async frame, after write(): the active file's sync promise (failures
   * reject it, never throw). Once it settled, the caller calls afterSync().
   */
  startSync(): Promise<void> {
    try {
      assert(this.active !== undefined && this.stagedBytes === 0, 'startSync() before write()');
      return this.active.sync();
    } catch (error) {
      return Promise.reject(error); // never a synchronous throw: the caller counts its reactions
    }
  }

  /** After startSync() succeeded: throws when the fill of the region ahead failed (sticky). */
  afterSync(): void {
    this.throwIfFillFailed();
  }

  /** Writes the staged records (write()) and makes every record of the active segment durable. */
  async sync(): Promise<void> {
    if (this.active === undefined) return;
    this.write();
    await this.active.sync();
    this.throwIfFillFailed();
  }

  /**
   * After write() failed for lack of space: cuts the active segment back to its log end before
   * the write (append-rollback.ts; the zero-filled region goes too, the fill starts again from
   * there), so the next group's records follow whole records only.
   */
  async cutBack(): Promise<void> {
    if (!this.mark.pending) return;
    await this.prealloc?.stop();
    const size = await this.mark.cut();
    if (size === undefined) return;
    this.logEnd = size;
    this.prealloc?.truncated(size);
  }

  private throwIfFillFailed(): void {
    const failure = this.prealloc?.failure;
    if (failure !== undefined) throw failure;
  }

  /**
   * Reads the value `pointer` names, checking it belongs to `key`; returns a fresh copy (pooled,
   * pooled-copy.ts) — the record is read into a scratch buffer, and the value cache never hands
   * out its own buffers either.
   */
  read(pointer: ValuePointer, key: Uint8Array): Uint8Array {
    return this.readRecord(pointer.segment, pointer.offset, pointer.length, key);
  }

  /**
   * read() of the encoded pointer stored in bytes[start, end) (value-pointer.ts), decoded in place
   * (the point-read path: no view and no pointer object); a malformed pointer is corruption.
   */
  readPointed(bytes: Uint8Array, start: number, end: number, key: Uint8Array): Uint8Array {
    const out = this.varint;
    let at = readVarint(bytes, start, end, out);
    const segment = out[0] as number;
    if (at >= 0) at = readVarint(bytes, at, end, out);
    const offset = out[0] as number;
    if (at >= 0) at = readVarint(bytes, at, end, out);
    if (at !== end) throw new CorruptionError('(value pointer)', 0, 'malformed value pointer');
    return this.readRecord(segment, offset, out[0] as number, key);
  }

  private readRecord(segment: number, offset: number, length: number, key: Uint8Array): Uint8Array {
    const cached = this.cache.get(segment, offset, key);
    if (cached !== undefined) return cached;
    const file = this.files.get(segment);
    if (file === undefined) throw new CorruptionError(joinPath(this.dir, this.nameOf(segment)), offset, 'value pointer names a missing segment');
    const record = length <= this.readScratch.length ? this.readScratch : this.scratchFor(length);
    const n = readIntoFile(file, offset, record, 0, length);
    this.bytesRead += n;
    const problem = vlogRecordProblem(record, length, key, n);
    if (problem !== undefined) throw new CorruptionError(joinPath(this.dir, this.nameOf(segment)), offset, problem);
    const value = pooledCopy(record.subarray(VLOG_HEADER_BYTES + record.readUInt32LE(4), length));
    this.cache.offer(segment, offset, key, value);
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
    this.stagedCount = 0;
    this.prealloc?.close();
    this.prealloc = undefined;
    for (const file of this.files.values()) file.close();
    this.files.clear();
    this.active = undefined;
  }
}
