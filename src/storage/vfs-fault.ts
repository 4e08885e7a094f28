/**
 * A Vfs wrapper that injects I/O errors (EIO, ENOSPC, …) and counts operations, for fault tests
 * (as Pebble's errorfs). Operations are grouped in kinds: 'write' (append, writeAt, writeFileSynced),
 * 'sync' (sync, syncDir, truncate), 'read', 'open', 'remove'.
 *
 * Invariants:
 * - A failing operation throws StorageIOError with the chosen errno and has no effect, except
 *   a write of a rule with `shortWrite`: an append (or writeAt) first writes the first half of its
 *   data, a whole-file write leaves the file with the first half (what a full disk does: write()
 *   takes a prefix, the next call fails with ENOSPC).
 * - Counting is exact: syncCount(path) is the number of sync() calls made on files at `path`.
 * - Failure by probability draws from the seeded `random` given, so a seed replays a run.
 */
import { StorageIOError } from './errors.js';
import { readIntoFile } from './read-into.js';
import type { Vfs, VfsFile, VfsLock, WritePacer } from './vfs.js';

export type FaultKind = 'write' | 'sync' | 'read' | 'open' | 'remove';

export interface FaultRule {
  readonly kind: FaultKind;
  /** Fails the nth operation of `kind` from now (1 = the next one). */
  readonly nth?: number;
  /** Or fails each operation of `kind` with this probability, drawn from `random`. */
  readonly probability?: number;
  readonly random?: () => number;
  /** errno of the injected error: 'EIO' (default) or 'ENOSPC', … */
  readonly errno?: string;
  /** Only operations on paths containing this text count. */
  readonly pathIncludes?: string;
  /** A failing append first writes the first half of its data (a short write). */
  readonly shortWrite?: boolean;
}

class FaultFile implements VfsFile {
  /** Offered when the inner file offers it (see VfsFile.writeAt). */
  readonly writeAt: ((offset: number, data: Uint8Array) => void) | undefined;

  constructor(
    private readonly owner: FaultVfs,
    private readonly inner: VfsFile,
  ) {
    const writeAt = inner.writeAt?.bind(inner);
    this.writeAt = writeAt === undefined ? undefined : (offset, data): void => this.write(data, (bytes) => writeAt(offset, bytes));
  }

  get path(): string {
    return this.inner.path;
  }

  size(): number {
    return this.inner.size();
  }

  read(offset: number, length: number): Uint8Array {
    this.owner.check('read', this.path);
    return this.inner.read(offset, length);
  }

  readInto(offset: number, target: Uint8Array, targetOffset: number, length: number): number {
    this.owner.check('read', this.path);
    return readIntoFile(this.inner, offset, target, targetOffset, length);
  }

  append(data: Uint8Array): void {
    this.write(data, (bytes) => this.inner.append(bytes));
  }

  /** An append or positional write through `put`, failing (after a short write) by the rules. */
  private write(data: Uint8Array, put: (bytes: Uint8Array) => void): void {
    try {
      this.owner.check('write', this.path);
    } catch (error) {
      if (this.owner.firedShortWrite) put(data.subarray(0, data.length >> 1));
      throw error;
    }
    this.owner.bytesWritten += data.length;
    put(data);
  }

  async sync(): Promise<void> {
    this.owner.check('sync', this.path);
    this.owner.countSync(this.path);
    await this.inner.sync();
  }

  close(): void {
    this.inner.close();
  }
}

export class FaultVfs implements Vfs {
  private rules: Array<{ rule: FaultRule; remaining: number }> = [];
  private readonly syncs = new Map<string, number>();
  readonly counts: Record<FaultKind, number> = { write: 0, sync: 0, read: 0, open: 0, remove: 0 };
  bytesWritten = 0;
  /** Number of errors injected so far. */
  injected = 0;
  /** True when the last check() failed by a rule with shortWrite. */
  firedShortWrite = false;

  constructor(readonly inner: Vfs) {}

  /** Adds a rule; it stays until it fired (nth) or until clearFaults(). */
  inject(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.nth ?? 0 });
  }

  clearFaults(): void {
    this.rules = [];
  }

  syncCount(path: string): number {
    return this.syncs.get(path) ?? 0;
  }

  /** Syncs per path, for every path synced so far. */
  syncCounts(): Map<string, number> {
    return new Map(this.syncs);
  }

  countSync(path: string): void {
    this.syncs.set(path, (this.syncs.get(path) ?? 0) + 1);
  }

  check(kind: FaultKind, path: string): void {
    this.counts[kind]++;
    this.firedShortWrite = false;
    for (let i = 0; i < this.rules.length; i++) {
      const entry = this.rules[i] as { rule: FaultRule; remaining: number };
      const { rule } = entry;
      if (rule.kind !== kind || (rule.pathIncludes !== undefined && !path.includes(rule.pathIncludes))) continue;
      let fire = false;
      if (rule.nth !== undefined) {
        entry.remaining--;
        fire = entry.remaining === 0;
        if (fire) this.rules.splice(i--, 1);
      } else if (rule.probability !== undefined) {
        fire = (rule.random ?? Math.random)() < rule.probability;
      }
      if (fire) {
        this.injected++;
        this.firedShortWrite = rule.shortWrite === true;
        const errno = rule.errno ?? 'EIO';
        throw new StorageIOError(kind, path, Object.assign(new Error(`injected ${errno}`), { code: errno }));
      }
    }
  }

  mkdirp(dir: string): void {
    this.inner.mkdirp(dir);
  }

  list(dir: string): string[] {
    return this.inner.list(dir);
  }

  exists(path: string): boolean {
    return this.inner.exists(path);
  }

  openRead(path: string): VfsFile {
    this.check('open', path);
    return new FaultFile(this, this.inner.openRead(path));
  }

  openAppend(path: string): VfsFile {
    this.check('open', path);
    return new FaultFile(this, this.inner.openAppend(path));
  }

  /** One 'write' and one 'sync' operation whatever the pacing (`pace` goes to the inner Vfs). */
  async writeFileSynced(path: string, data: Uint8Array, pace?: WritePacer): Promise<void> {
    try {
      this.check('write', path);
    } catch (error) {
      // A short write of a whole file leaves the file created with the first half of the data.
      if (this.firedShortWrite) await this.inner.writeFileSynced(path, data.subarray(0, data.length >> 1));
      throw error;
    }
    this.check('sync', path);
    this.countSync(path);
    this.bytesWritten += data.length;
    await this.inner.writeFileSynced(path, data, pace);
  }

  async truncate(path: string, size: number): Promise<void> {
    this.check('sync', path);
    await this.inner.truncate(path, size);
  }

  remove(path: string): void {
    this.check('remove', path);
    this.inner.remove(path);
  }

  async syncDir(dir: string): Promise<void> {
    this.check('sync', dir);
    await this.inner.syncDir(dir);
  }

  lock(path: string): VfsLock {
    return this.inner.lock(path);
  }
}
