/**
 * The commit log: segment files `NNNNNN.log` of framed commit groups (log-record.ts,
 * commit-group.ts), one log record per group commit. Replayed
 * from the manifest's checkpoint on open. Format: docs/format.md, "Commit log".
 *
 * Invariants:
 * - Segments are numbered from the engine's file-number counter, so replay order = number order.
 * - A segment is rotated only between groups (rotate(): at a memtable freeze or at
 *   commitLogSegmentBytesMax), and the previous one was synced first; so only the last segment's
 *   tail can be torn.
 * - An append that fails for lack of space is cut back (cutBack()) before the next one, so a
 *   partial record never stays in the middle of a segment (append-rollback.ts).
 * - Segments below the checkpoint hold only commits already in SSTables; they are deleted after
 *   the manifest edit that advanced the checkpoint is durable.
 */
import { assert } from '../util/assert.js';
import { AppendMark } from './append-rollback.js';
import { encodeCommitGroup } from './commit-group.js';
import { encodeLogRecords } from './log-record.js';
import { joinPath, type Vfs, type VfsFile } from './vfs.js';

export function commitLogName(segment: number): string {
  return `${String(segment).padStart(6, '0')}.log`;
}

export class CommitLog {
  private active: VfsFile | undefined;
  private activeSegmentNumber = 0;
  bytesWritten = 0;
  private readonly mark: AppendMark;

  constructor(
    private readonly vfs: Vfs,
    private readonly dir: string,
    private readonly allocateFileNumber: () => number,
  ) {
    this.mark = new AppendMark(vfs);
  }

  get activeSegment(): number {
    return this.activeSegmentNumber;
  }

  get activeBytes(): number {
    return this.active?.size() ?? 0;
  }

  /**
   * Closes the active segment (already synced) and starts a new one whose directory entry is
   * durable before any commit is written to it; returns its number.
   */
  async rotate(): Promise<number> {
    const segment = this.allocateFileNumber();
    // Created before the active segment is let go: a create that finds no space leaves it in use.
    const file = this.vfs.openAppend(joinPath(this.dir, commitLogName(segment)));
    await this.vfs.syncDir(this.dir);
    this.active?.close();
    this.active = file;
    this.activeSegmentNumber = segment;
    return segment;
  }

  /** Appends the commit records of one group as one framed group record (commit-group.ts), one write call. */
  append(records: readonly Uint8Array[]): void {
    assert(this.active !== undefined, 'append before the first rotate()');
    const data = encodeLogRecords([encodeCommitGroup(records)]);
    this.mark.append(this.active as VfsFile, data);
    this.bytesWritten += data.length;
  }

  /** After append() failed for lack of space: cuts the segment back to its size before it. */
  cutBack(): Promise<void> {
    return this.mark.cut();
  }

  async sync(): Promise<void> {
    if (this.active !== undefined) await this.active.sync();
  }

  /** Deletes the segments numbered below `checkpoint` among `segments`. */
  removeBelow(checkpoint: number, segments: readonly number[]): void {
    for (const segment of segments) {
      if (segment < checkpoint && segment !== this.activeSegmentNumber) {
        this.vfs.remove(joinPath(this.dir, commitLogName(segment)));
      }
    }
  }

  close(): void {
    this.active?.close();
    this.active = undefined;
  }
}
