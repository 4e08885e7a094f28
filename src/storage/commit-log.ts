/**
 * The commit log: segment files `NNNNNN.log` of framed commit records (log-record.ts). Replayed
 * from the manifest's checkpoint on open. Format: docs/format.md, "Commit log".
 *
 * Invariants:
 * - Segments are numbered from the engine's file-number counter, so replay order = number order.
 * - A segment is rotated only between groups (rotate(): at a memtable freeze or at
 *   commitLogSegmentBytesMax), and the previous one was synced first; so only the last segment's
 *   tail can be torn.
 * - Segments below the checkpoint hold only commits already in SSTables; they are deleted after
 *   the manifest edit that advanced the checkpoint is durable.
 */
import { assert } from '../util/assert.js';
import { encodeLogRecords } from './log-record.js';
import { joinPath, type Vfs, type VfsFile } from './vfs.js';

export function commitLogName(segment: number): string {
  return `${String(segment).padStart(6, '0')}.log`;
}

export class CommitLog {
  private active: VfsFile | undefined;
  private activeSegmentNumber = 0;
  bytesWritten = 0;

  constructor(
    private readonly vfs: Vfs,
    private readonly dir: string,
    private readonly allocateFileNumber: () => number,
  ) {}

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
    this.active?.close();
    this.active = undefined;
    const segment = this.allocateFileNumber();
    const file = this.vfs.openAppend(joinPath(this.dir, commitLogName(segment)));
    await this.vfs.syncDir(this.dir);
    this.active = file;
    this.activeSegmentNumber = segment;
    return segment;
  }

  /** Appends framed records for each payload (one write call for the whole group). */
  append(payloads: readonly Uint8Array[]): void {
    assert(this.active !== undefined, 'append before the first rotate()');
    const data = encodeLogRecords(payloads);
    (this.active as VfsFile).append(data);
    this.bytesWritten += data.length;
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
