/**
 * An in-memory Vfs that can simulate a power loss (DESIGN.md, I/O and threads), for crash tests.
 *
 * Invariants:
 * - Each file remembers how many of its bytes are durable (synced). crashImage() returns a new
 *   MemoryVfs holding, per file, the durable bytes — plus, when tearing, a random prefix of the
 *   bytes appended after the last sync (the OS may have written some of them, in order).
 * - Metadata operations (create, remove, truncate, writeFileSynced) are durable at once: a crash
 *   never resurrects a removed file. This is stricter than a real file system only in ways the
 *   engine does not rely on (it calls syncDir after them anyway).
 * - sync() yields to the event loop before it completes, like a real fsync, so group commit can
 *   gather the commits that arrive meanwhile.
 * - Locks are per MemoryVfs instance; a crash image starts with none held.
 */
import { LockError, StorageIOError } from './errors.js';
import type { Vfs, VfsFile, VfsLock } from './vfs.js';

interface MemNode {
  data: Uint8Array;
  size: number;
  durableSize: number;
}

function notFound(operation: string, path: string): StorageIOError {
  return new StorageIOError(operation, path, Object.assign(new Error('no such file'), { code: 'ENOENT' }));
}

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

class MemFile implements VfsFile {
  constructor(
    readonly path: string,
    private readonly node: MemNode,
  ) {}

  size(): number {
    return this.node.size;
  }

  read(offset: number, length: number): Uint8Array {
    const end = Math.min(this.node.size, offset + length);
    return Buffer.from(this.node.data.subarray(Math.min(offset, end), end));
  }

  append(data: Uint8Array): void {
    const node = this.node;
    if (node.size + data.length > node.data.length) {
      const grown = new Uint8Array(Math.max(node.size + data.length, node.data.length * 2, 4096));
      grown.set(node.data.subarray(0, node.size));
      node.data = grown;
    }
    node.data.set(data, node.size);
    node.size += data.length;
  }

  async sync(): Promise<void> {
    const target = this.node.size;
    await yieldTurn();
    this.node.durableSize = Math.max(this.node.durableSize, Math.min(target, this.node.size));
  }

  close(): void {}
}

export class MemoryVfs implements Vfs {
  private readonly files = new Map<string, MemNode>();
  private readonly dirs = new Set<string>(['/']);
  private readonly locks = new Set<string>();

  mkdirp(dir: string): void {
    this.dirs.add(dir.replace(/\/+$/, ''));
  }

  list(dir: string): string[] {
    const prefix = dir.replace(/\/+$/, '') + '/';
    if (!this.dirs.has(dir.replace(/\/+$/, ''))) throw notFound('readdir', dir);
    const names: string[] = [];
    for (const path of this.files.keys()) {
      if (path.startsWith(prefix) && !path.slice(prefix.length).includes('/')) names.push(path.slice(prefix.length));
    }
    return names;
  }

  exists(path: string): boolean {
    return this.files.has(path) || this.dirs.has(path);
  }

  openRead(path: string): VfsFile {
    const node = this.files.get(path);
    if (node === undefined) throw notFound('open', path);
    return new MemFile(path, node);
  }

  openAppend(path: string): VfsFile {
    let node = this.files.get(path);
    if (node === undefined) {
      node = { data: new Uint8Array(0), size: 0, durableSize: 0 };
      this.files.set(path, node);
    }
    return new MemFile(path, node);
  }

  async writeFileSynced(path: string, data: Uint8Array): Promise<void> {
    const node: MemNode = { data: Uint8Array.from(data), size: data.length, durableSize: 0 };
    this.files.set(path, node);
    await yieldTurn();
    node.durableSize = node.size;
  }

  async truncate(path: string, size: number): Promise<void> {
    const node = this.files.get(path);
    if (node === undefined) throw notFound('truncate', path);
    node.size = Math.min(node.size, size);
    node.durableSize = Math.min(node.durableSize, node.size);
    await yieldTurn();
    node.durableSize = node.size;
  }

  remove(path: string): void {
    this.files.delete(path);
  }

  async syncDir(_dir: string): Promise<void> {
    await yieldTurn();
  }

  lock(path: string): VfsLock {
    if (this.locks.has(path)) throw new LockError(path);
    this.locks.add(path);
    return { release: (): void => void this.locks.delete(path) };
  }

  /**
   * What the disk would hold after a power loss now. `random` (uniform in [0, 1)) decides how
   * much of each file's unsynced tail survives; without it, every unsynced byte is lost.
   */
  crashImage(random?: () => number): MemoryVfs {
    const image = new MemoryVfs();
    for (const dir of this.dirs) image.dirs.add(dir);
    for (const [path, node] of this.files) {
      const unsynced = node.size - node.durableSize;
      const kept = random === undefined || unsynced === 0 ? 0 : Math.floor(random() * (unsynced + 1));
      const size = node.durableSize + kept;
      image.files.set(path, { data: node.data.slice(0, size), size, durableSize: size });
    }
    return image;
  }

  /** Flips one byte of `path` in place (for corruption tests). */
  flipByte(path: string, offset: number): void {
    const node = this.files.get(path);
    if (node === undefined || offset >= node.size) throw notFound('flip', path);
    node.data[offset] = (node.data[offset] as number) ^ 0xff;
  }

  /** The current size of `path`, or -1 when absent. */
  fileSize(path: string): number {
    return this.files.get(path)?.size ?? -1;
  }
}
