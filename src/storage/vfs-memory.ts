/**
 * An in-memory Vfs that can simulate a power loss (DESIGN.md, I/O and threads), for crash tests.
 *
 * Invariants:
 * - Each file keeps, in order, the writes (appends and writeAt) made since they were last synced,
 *   each with the bytes it overwrote and the size before it. crashImage() returns a new MemoryVfs
 *   holding, per file, the content with those writes undone — plus, when tearing, a random prefix
 *   of them (in write order, counted in bytes) kept: the OS may have written some of them, in
 *   order. So an overwrite of durable bytes (a preallocated region) is lost just like an append;
 *   on request its pages may also survive out of order (a disk keeps any of them).
 * - sync() makes durable the writes made before it was called (through any handle of the file).
 * - Metadata operations (create, remove, truncate, writeFileSynced) are durable at once: a crash
 *   never resurrects a removed file; a truncate's cut survives, while the unsynced writes below it
 *   stay unsynced until the truncate's own sync completes. This is stricter than a real file system
 *   only in ways the engine does not rely on (it calls syncDir after them anyway).
 * - writeFileSynced() without a pacer replaces the content in one write; with one, the file is
 *   created empty, then each chunk is written (unsynced) once its pacer call resolves, as NodeVfs
 *   does: a crash image taken meanwhile holds a prefix of the new content at most.
 * - sync() yields to the event loop before it completes, like a real fsync, so group commit can
 *   gather the commits that arrive meanwhile.
 * - Locks are per MemoryVfs instance; a crash image starts with none held.
 */
import { LockError, StorageIOError } from './errors.js';
import { PACE_CHUNK_BYTES, type Vfs, type VfsFile, type VfsLock, type WritePacer } from './vfs.js';

/** A write not yet synced: enough to undo it (or its tail) in a crash image. */
interface PendingWrite {
  readonly seq: number;
  offset: number;
  length: number;
  /** The bytes of [offset, offset + length) that existed before (below sizeBefore). */
  before: Uint8Array;
  sizeBefore: number;
}

interface MemNode {
  data: Uint8Array;
  size: number;
  /** Unsynced writes, oldest first. */
  pending: PendingWrite[];
}

/** Write sequence numbers, global so that a sync's cut-off is comparable across files. */
let nextSeq = 1;
const EMPTY = new Uint8Array(0);

function notFound(operation: string, path: string): StorageIOError {
  return new StorageIOError(operation, path, Object.assign(new Error('no such file'), { code: 'ENOENT' }));
}

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Writes `data` at `offset` of `node` (zeros fill a gap past the end), remembering how to undo it. */
function writeNode(node: MemNode, offset: number, data: Uint8Array): void {
  if (data.length === 0) return;
  const end = offset + data.length;
  if (end > node.data.length) {
    const grown = new Uint8Array(Math.max(end, node.data.length * 2, 4096));
    grown.set(node.data.subarray(0, node.size));
    node.data = grown;
  }
  if (offset > node.size) node.data.fill(0, node.size, offset);
  const before = offset < node.size ? node.data.slice(offset, Math.min(end, node.size)) : EMPTY;
  node.pending.push({ seq: nextSeq++, offset, length: data.length, before, sizeBefore: node.size });
  node.data.set(data, offset);
  node.size = Math.max(node.size, end);
}

/** Marks the writes up to `seq` durable. */
function markDurable(node: MemNode, seq: number): void {
  let n = 0;
  while (n < node.pending.length && (node.pending[n] as PendingWrite).seq <= seq) n++;
  if (n > 0) node.pending.splice(0, n);
}

/** Cuts `node` to `size`: pending writes are clipped so that undoing them never grows it back. */
function cutNode(node: MemNode, size: number): void {
  node.size = Math.min(node.size, size);
  node.pending = node.pending.filter((write) => write.offset < node.size);
  for (const write of node.pending) {
    write.length = Math.min(write.length, node.size - write.offset);
    write.before = write.before.subarray(0, Math.min(write.before.length, write.length));
    write.sizeBefore = Math.min(write.sizeBefore, node.size);
  }
}

/** The content of `node` after a power loss that kept the first `kept` bytes of its unsynced writes. */
function crashedCopy(node: MemNode, kept: number): MemNode {
  const data = node.data.slice(0, node.size);
  let size = node.size;
  let keptLeft = kept;
  const keptOf = node.pending.map((write) => {
    const bytes = Math.min(write.length, keptLeft);
    keptLeft -= bytes;
    return bytes;
  });
  for (let i = node.pending.length - 1; i >= 0; i--) {
    const write = node.pending[i] as PendingWrite;
    const keep = keptOf[i] as number;
    if (keep === write.length) break;
    if (keep < write.before.length) data.set(write.before.subarray(keep), write.offset + keep);
    size = keep === 0 ? write.sizeBefore : Math.max(write.sizeBefore, write.offset + keep);
  }
  return { data: data.slice(0, size), size, pending: [] };
}

/** Page size of the out-of-order tearing of overwrites (crashImage's `pagesOutOfOrder`). */
const PAGE_BYTES = 4096;

/**
 * Sets, in `image` (a crashed copy of `node`), each page of an unsynced overwrite of durable bytes
 * to its written or to its durable content, at random: the disk writes overwritten pages back in
 * any order (no size change orders them), while bytes past the durable size keep the prefix model.
 */
function tearOverwrittenPages(node: MemNode, image: MemNode, random: () => number): void {
  const durable = crashedCopy(node, 0);
  const limit = Math.min(durable.size, image.size);
  for (const write of node.pending) {
    const end = Math.min(write.offset + write.before.length, limit);
    for (let page = write.offset - (write.offset % PAGE_BYTES); page < end; page += PAGE_BYTES) {
      const from = Math.max(page, write.offset);
      const to = Math.min(page + PAGE_BYTES, end);
      // A write that starts past the durable size (into a region filled but not yet synced) has no durable page here.
      if (from < to) image.data.set((random() < 0.5 ? node.data : durable.data).subarray(from, to), from);
    }
  }
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

  readInto(offset: number, target: Uint8Array, targetOffset: number, length: number): number {
    const end = Math.min(this.node.size, offset + length);
    const start = Math.min(offset, end);
    target.set(this.node.data.subarray(start, end), targetOffset);
    return end - start;
  }

  append(data: Uint8Array): void {
    writeNode(this.node, this.node.size, data);
  }

  writeAt(offset: number, data: Uint8Array): void {
    writeNode(this.node, offset, data);
  }

  async sync(): Promise<void> {
    const seq = nextSeq - 1;
    await yieldTurn();
    markDurable(this.node, seq);
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
      node = { data: new Uint8Array(0), size: 0, pending: [] };
      this.files.set(path, node);
    }
    return new MemFile(path, node);
  }

  async writeFileSynced(path: string, data: Uint8Array, pace?: WritePacer): Promise<void> {
    const node: MemNode = { data: new Uint8Array(0), size: 0, pending: [] };
    this.files.set(path, node);
    if (pace === undefined) writeNode(node, 0, data);
    for (let offset = 0; pace !== undefined && offset < data.length; offset += PACE_CHUNK_BYTES) {
      const length = Math.min(PACE_CHUNK_BYTES, data.length - offset);
      await pace(length);
      writeNode(node, offset, data.subarray(offset, offset + length));
    }
    const seq = nextSeq - 1;
    await yieldTurn();
    markDurable(node, seq);
  }

  async truncate(path: string, size: number): Promise<void> {
    const node = this.files.get(path);
    if (node === undefined) throw notFound('truncate', path);
    cutNode(node, size);
    const seq = nextSeq - 1;
    await yieldTurn();
    markDurable(node, seq);
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
   * much of each file's unsynced writes survives (a prefix, in write order); without it, every
   * unsynced byte is lost. With `pagesOutOfOrder` (and `random`), each page of an unsynced
   * overwrite of durable bytes (a preallocated region) may also survive on its own.
   */
  crashImage(random?: () => number, pagesOutOfOrder = false): MemoryVfs {
    const image = new MemoryVfs();
    for (const dir of this.dirs) image.dirs.add(dir);
    for (const [path, node] of this.files) {
      let unsynced = 0;
      for (const write of node.pending) unsynced += write.length;
      const kept = random === undefined || unsynced === 0 ? 0 : Math.floor(random() * (unsynced + 1));
      const copy = crashedCopy(node, kept);
      if (pagesOutOfOrder && random !== undefined) tearOverwrittenPages(node, copy, random);
      image.files.set(path, copy);
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
