/**
 * Recovery's checks of the value pointers the commit log replays against the value log. Format:
 * docs/format.md, "Commit log".
 *
 * - The torn group. A group whose values are not copied syncs its value-log records and its
 *   commit-log record concurrently (sync 'full'), so after a crash the last group may be durable
 *   in the commit log while values it points at are not: that group is torn (it was never
 *   acknowledged) and recovery drops it (intact()).
 * - Copied values. A small group's records carry a copy of each separated value
 *   (LOG_KIND_POINTER_COPY) and the value log was not synced for it, so any group's value-log
 *   records may be missing or damaged after a crash: each such entry keeps its pointer only when
 *   the record it names holds exactly the entry's key and the copy's bytes; otherwise the copy
 *   goes into the memtable as an inline value (resolveCopy()). Segments whose records were kept
 *   are fsynced (syncKept()) before recovery returns: after `kill -9` the records read may still
 *   be in the page cache only, and the flush that drops the copies must find them durable.
 *
 * Invariants:
 * - Only the last record of the last commit-log segment can be a torn group: groups are written
 *   one at a time, each acknowledged after its syncs, and segments rotate between groups.
 * - A pointer is good when it names, in an existing `.vlog` segment, bytes within the segment's
 *   size that are a whole record of `length` bytes whose CRC and lengths check and whose key is the
 *   entry's key. The size is only a bound, not the log end: the last segment may end in a
 *   zero-filled region (value-log.ts), so the bytes are always read and checked — a pointer into
 *   zeros fails the CRC (a zero header never checks).
 * - A plain pointer (no copy) to a segment that does not exist is a CorruptionError, not a torn
 *   group: a segment's directory entry is durable before any pointer into it is handed out. A
 *   copied entry whose segment is missing takes its copy.
 */
import type { CommitEntry, CommitRecord } from './commit-record.js';
import { CorruptionError } from './errors.js';
import { KIND_POINTER, KIND_VALUE } from './internal-key.js';
import { VLOG_HEADER_BYTES, vlogName, vlogRecordProblem } from './value-log.js';
import { decodeValuePointer } from './value-pointer.js';
import { joinPath, type Vfs, type VfsFile } from './vfs.js';

/** What the memtable receives for a replayed entry (resolveCopy). */
export interface ReplayedValue {
  kind: number;
  value: Uint8Array;
}

export class RecoveryPointerCheck {
  private readonly files = new Map<number, VfsFile>();
  private readonly segments: ReadonlySet<number>;
  /** Segments holding a record a copied entry kept its pointer to (synced by syncKept()). */
  private readonly kept = new Set<number>();
  /** Copied entries that kept their pointer, and those that took their copy (tests, logs). */
  keptPointers = 0;
  tookCopies = 0;

  /** `segments`: the `.vlog` segments in the directory. */
  constructor(
    private readonly vfs: Vfs,
    private readonly dir: string,
    segments: readonly number[],
  ) {
    this.segments = new Set(segments);
  }

  /** True when every uncopied value of the group `records` (read from `path` at `offset`) is durable and whole. */
  intact(records: readonly CommitRecord[], path: string, offset: number): boolean {
    for (const record of records) {
      for (const entry of record.entries) {
        if (entry.kind !== KIND_POINTER || entry.copy !== undefined) continue;
        const pointer = decodeValuePointer(entry.value);
        if (pointer === undefined) throw new CorruptionError(path, offset, 'malformed value pointer');
        if (!this.segments.has(pointer.segment)) throw new CorruptionError(path, offset, `value pointer names missing segment ${vlogName(pointer.segment)}`);
        if (this.wholeRecord(pointer.segment, pointer.offset, pointer.length, entry.key) === undefined) return false;
      }
    }
    return true;
  }

  /**
   * Sets `out` to what the memtable gets for `entry` (from `path` at `offset`): the entry itself,
   * or for a copied entry whose record is not exactly its key and copy, the copy inline.
   */
  resolveCopy(entry: CommitEntry, path: string, offset: number, out: ReplayedValue): void {
    out.kind = entry.kind;
    out.value = entry.value;
    const copy = entry.copy;
    if (copy === undefined) return;
    const pointer = decodeValuePointer(entry.value);
    if (pointer === undefined) throw new CorruptionError(path, offset, 'malformed value pointer');
    const record = this.segments.has(pointer.segment) ? this.wholeRecord(pointer.segment, pointer.offset, pointer.length, entry.key) : undefined;
    const valueStart = VLOG_HEADER_BYTES + entry.key.length;
    if (record !== undefined && record.length - valueStart === copy.length && Buffer.compare(record.subarray(valueStart), copy) === 0) {
      this.kept.add(pointer.segment);
      this.keptPointers++;
      return;
    }
    out.kind = KIND_VALUE;
    out.value = copy;
    this.tookCopies++;
  }

  /** Makes the segments copied entries kept pointers into durable (see the module comment). */
  async syncKept(): Promise<void> {
    for (const segment of this.kept) await this.file(segment).sync();
    this.kept.clear();
  }

  close(): void {
    for (const file of this.files.values()) file.close();
    this.files.clear();
  }

  private file(segment: number): VfsFile {
    let file = this.files.get(segment);
    if (file === undefined) {
      file = this.vfs.openRead(joinPath(this.dir, vlogName(segment)));
      this.files.set(segment, file);
    }
    return file;
  }

  /** The record of `length` bytes at `offset` of `segment` when it is a whole record of `key`, else undefined. */
  private wholeRecord(segment: number, offset: number, length: number, key: Uint8Array): Buffer | undefined {
    const file = this.file(segment);
    if (offset + length > file.size()) return undefined;
    const data = file.read(offset, length);
    const record = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return vlogRecordProblem(record, length, key) === undefined ? record : undefined;
  }
}
