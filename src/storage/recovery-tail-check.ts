/**
 * Recovery's check of the commit log's last group against the value log. With sync 'full' a
 * group's value-log records and its commit-log record are synced concurrently, so after a crash
 * the last group may be durable in the commit log while values it points at are not: that group
 * is torn (it was never acknowledged) and recovery drops it. Format: docs/format.md, "Commit log".
 *
 * Invariants:
 * - Only the last record of the last commit-log segment can be a torn group: groups are written
 *   one at a time, each acknowledged after both syncs, and segments rotate between groups.
 * - A group is intact when each of its value pointers names, in an existing `.vlog` segment, bytes
 *   within the segment's size that are a whole record of `length` bytes whose CRC and lengths
 *   check and whose key is the entry's key. The size is only a bound, not the log end: the last
 *   segment may end in a zero-filled region (value-log.ts), so the bytes are always read and
 *   checked — a pointer into zeros fails the CRC (a zero header never checks).
 * - A pointer to a segment that does not exist is a CorruptionError, not a torn group: a segment's
 *   directory entry is durable before any pointer into it is handed out.
 */
import type { CommitRecord } from './commit-record.js';
import { CorruptionError } from './errors.js';
import { KIND_POINTER } from './internal-key.js';
import { vlogName, vlogRecordProblem } from './vlog-record.js';
import { decodeValuePointer } from './value-pointer.js';
import { joinPath, type Vfs, type VfsFile } from './vfs.js';

export class TailPointerCheck {
  private readonly files = new Map<number, VfsFile>();
  private readonly segments: ReadonlySet<number>;

  /** `segments`: the `.vlog` segments in the directory. */
  constructor(
    private readonly vfs: Vfs,
    private readonly dir: string,
    segments: readonly number[],
  ) {
    this.segments = new Set(segments);
  }

  /** True when every value of the group `records` (read from `path` at `offset`) is durable and whole. */
  intact(records: readonly CommitRecord[], path: string, offset: number): boolean {
    for (const record of records) {
      for (const entry of record.entries) {
        if (entry.kind !== KIND_POINTER) continue;
        const pointer = decodeValuePointer(entry.value);
        if (pointer === undefined) throw new CorruptionError(path, offset, 'malformed value pointer');
        if (!this.segments.has(pointer.segment)) throw new CorruptionError(path, offset, `value pointer names missing segment ${vlogName(pointer.segment)}`);
        if (!this.recordValid(pointer.segment, pointer.offset, pointer.length, entry.key)) return false;
      }
    }
    return true;
  }

  close(): void {
    for (const file of this.files.values()) file.close();
    this.files.clear();
  }

  private recordValid(segment: number, offset: number, length: number, key: Uint8Array): boolean {
    let file = this.files.get(segment);
    if (file === undefined) {
      file = this.vfs.openRead(joinPath(this.dir, vlogName(segment)));
      this.files.set(segment, file);
    }
    if (offset + length > file.size()) return false;
    const data = file.read(offset, length);
    return vlogRecordProblem(Buffer.from(data.buffer, data.byteOffset, data.byteLength), length, key) === undefined;
  }
}
