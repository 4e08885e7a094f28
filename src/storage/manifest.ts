/**
 * The manifest: which tables exist at which level, the commit-log checkpoint, the file-number
 * counter and the last commit ts. Stored as an append-only log of edits (`MANIFEST-NNNNNN`, framed
 * by log-record.ts) named by the newest valid superblock. Format: docs/format.md, "Manifest".
 *
 * Invariants:
 * - apply() returns only once the edit is durable; the in-memory state changes only after that,
 *   so a flush result is installed atomically (all of its edit or none of it after a crash).
 * - rotate() writes a new manifest holding one snapshot edit, syncs it, then writes the next
 *   superblock, then deletes the previous manifest: at every crash point some valid superblock
 *   names a complete manifest.
 * - A torn tail of the manifest is dropped; any other bad record is a CorruptionError.
 * - A failure for lack of space (ENOSPC, EDQUOT; not an fsync) leaves the manifest as it was: an
 *   edit's partial append is cut back, a new manifest file no superblock names is removed. The
 *   engine retries later (flusher.ts, compactor.ts); any other failure is sticky.
 * - apply() and rotate() run one at a time, in call order (flush and compaction both install).
 */
import { AppendMark } from './append-rollback.js';
import { CorruptionError, isSpaceError } from './errors.js';
import { encodeLogRecord, readLogRecords } from './log-record.js';
import { decodeManifestEdit, encodeManifestEdit, type ManifestEdit, type ManifestTable } from './manifest-edit.js';
import { encodeSuperblock, readSuperblock, superblockName } from './superblock.js';
import { joinPath, type Vfs, type VfsFile } from './vfs.js';

/** Manifest files above this size are always rewritten as one snapshot edit. */
const MANIFEST_BYTES_MAX = 4 * 1024 * 1024;
const SNAPSHOT_GROWTH_MAX = 4;
const MANIFEST_SLACK_BYTES = 16 * 1024;

export function manifestName(fileNumber: number): string {
  return `MANIFEST-${String(fileNumber).padStart(6, '0')}`;
}

export interface ManifestState {
  nextFileNumber: number;
  lastTs: number;
  logCheckpoint: number;
  /** Tables by file number. */
  tables: Map<number, ManifestTable>;
  /** Discard stats by value-log segment (bytes made garbage by compactions). */
  vlogDiscards: Map<number, number>;
  /** Value-log GC output segments (`NNNNNN.vgc`) that are live. */
  gcVlogs: Set<number>;
  /** Segments deleted by GC; recovery removes any that a crash left behind. */
  removedVlogs: Set<number>;
}

function applyEdit(state: ManifestState, edit: ManifestEdit): void {
  if (edit.nextFileNumber !== undefined) state.nextFileNumber = Math.max(state.nextFileNumber, edit.nextFileNumber);
  if (edit.lastTs !== undefined) state.lastTs = Math.max(state.lastTs, edit.lastTs);
  if (edit.logCheckpoint !== undefined) state.logCheckpoint = Math.max(state.logCheckpoint, edit.logCheckpoint);
  for (const table of edit.removeTables ?? []) state.tables.delete(table.fileNumber);
  for (const table of edit.addTables ?? []) state.tables.set(table.fileNumber, table);
  for (const [segment, bytes] of edit.vlogDiscards ?? []) state.vlogDiscards.set(segment, bytes);
  for (const segment of edit.addGcVlogs ?? []) state.gcVlogs.add(segment);
  for (const segment of edit.removeVlogs ?? []) {
    state.removedVlogs.add(segment);
    state.gcVlogs.delete(segment);
    state.vlogDiscards.delete(segment);
  }
}

export class Manifest {
  private file: VfsFile | undefined;
  private fileNumber = 0;
  private sequence = 0;
  private queue: Promise<void> = Promise.resolve();
  private snapshotBytes = 0;
  readonly state: ManifestState = {
    nextFileNumber: 1,
    lastTs: 0,
    logCheckpoint: 0,
    tables: new Map(),
    vlogDiscards: new Map(),
    gcVlogs: new Set(),
    removedVlogs: new Set(),
  };
  /** Bytes appended to manifest files over this engine's lifetime (write accounting). */
  bytesWritten = 0;
  private readonly mark: AppendMark;

  private constructor(
    private readonly vfs: Vfs,
    private readonly dir: string,
  ) {
    this.mark = new AppendMark(vfs);
  }

  /**
   * Reads the manifest of `dir` (an empty state for a fresh directory). `neverUsed`: the directory
   * holds no data file yet (see readSuperblock).
   */
  static load(vfs: Vfs, dir: string, neverUsed: boolean): Manifest {
    const manifest = new Manifest(vfs, dir);
    const block = readSuperblock(vfs, dir, neverUsed);
    if (block === undefined) return manifest;
    manifest.sequence = block.sequence;
    manifest.fileNumber = block.manifestNumber;
    const path = joinPath(dir, manifestName(block.manifestNumber));
    if (!vfs.exists(path)) throw new CorruptionError(joinPath(dir, superblockName(block.sequence)), 0, `names missing ${path}`);
    const file = vfs.openRead(path);
    const data = file.read(0, file.size());
    file.close();
    readLogRecords(data, path, true, (payload, offset) => applyEdit(manifest.state, decodeManifestEdit(payload, path, offset)));
    manifest.state.nextFileNumber = Math.max(manifest.state.nextFileNumber, block.manifestNumber + 1);
    return manifest;
  }

  get currentFileNumber(): number {
    return this.fileNumber;
  }

  allocateFileNumber(): number {
    return this.state.nextFileNumber++;
  }

  /** Starts a new manifest file holding the whole state; see the invariants. */
  rotate(): Promise<void> {
    return this.exclusive(() => this.rotateNow());
  }

  /**
   * Runs `fn` after every apply/rotate before it: flushes and compactions install concurrently,
   * and a rotation must never snapshot the state while an appended edit is not applied yet.
   */
  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private async rotateNow(): Promise<void> {
    const previous = this.fileNumber;
    const number = this.allocateFileNumber();
    const snapshot: ManifestEdit = {
      nextFileNumber: this.state.nextFileNumber,
      lastTs: this.state.lastTs,
      logCheckpoint: this.state.logCheckpoint,
      addTables: [...this.state.tables.values()],
      vlogDiscards: [...this.state.vlogDiscards],
      addGcVlogs: [...this.state.gcVlogs],
      removeVlogs: [...this.state.removedVlogs],
    };
    const path = joinPath(this.dir, manifestName(number));
    const image = encodeLogRecord(encodeManifestEdit(snapshot));
    const sequence = this.sequence + 1;
    try {
      await this.vfs.writeFileSynced(path, image);
      await this.vfs.syncDir(this.dir);
      await this.vfs.writeFileSynced(joinPath(this.dir, superblockName(sequence)), encodeSuperblock({ sequence, manifestNumber: number }));
    } catch (error) {
      // No space for the new manifest or superblock: the previous superblock (the other slot)
      // still names the previous manifest, which is still in use; drop the unnamed new file.
      if (isSpaceError(error)) this.vfs.remove(path);
      throw error;
    }
    await this.vfs.syncDir(this.dir);
    this.bytesWritten += image.length;
    this.snapshotBytes = image.length;
    this.sequence = sequence;
    this.file?.close();
    this.file = this.vfs.openAppend(path);
    this.fileNumber = number;
    if (previous !== 0) this.vfs.remove(joinPath(this.dir, manifestName(previous)));
  }

  /** Appends `edit` durably, then applies it to the state. */
  apply(edit: ManifestEdit): Promise<void> {
    return this.exclusive(() => this.applyNow(edit));
  }

  private async applyNow(edit: ManifestEdit): Promise<void> {
    if (this.file === undefined) await this.rotateNow();
    const file = this.file as VfsFile;
    const record = encodeLogRecord(encodeManifestEdit({ ...edit, nextFileNumber: this.state.nextFileNumber }));
    try {
      this.mark.append(file, record);
    } catch (error) {
      if (isSpaceError(error)) await this.mark.cut();
      throw error;
    }
    this.bytesWritten += record.length;
    await file.sync();
    applyEdit(this.state, edit);
  }

  /**
   * True once the manifest log is worth rewriting as one snapshot: past MANIFEST_BYTES_MAX, or
   * past several times its last snapshot (compaction and GC append many edits to a small state).
   */
  get needsRotation(): boolean {
    const size = this.sizeBytes;
    return size > MANIFEST_BYTES_MAX || size > SNAPSHOT_GROWTH_MAX * this.snapshotBytes + MANIFEST_SLACK_BYTES;
  }

  /** Bytes of the current manifest file. */
  get sizeBytes(): number {
    return this.file?.size() ?? 0;
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }
}
