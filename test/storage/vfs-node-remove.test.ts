/**
 * NodeVfs.remove() frees the name at once (renamed to `<name>.trash`) and unlinks off the event
 * loop; a `.trash` file a crash left behind is deleted when the engine opens the directory.
 * The calls that run on the thread pool (issue 9): writeFileSynced() in chunks with syncs on the
 * way (a file past several chunks and sync intervals reads back whole), truncate() (sizes of open
 * handles follow at once; the file is cut), syncDir(), and their errors as StorageIOError.
 * writeFileSynced() with a pacer awaits it before each 1 MiB chunk, the syncs every 4 MiB stay
 * where they were (a paced and an unpaced file make the same calls). node:fs is wrapped (vi.mock)
 * only to record the order of writes and fdatasyncs; every call reaches the real one.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine, NodeVfs, StorageIOError } from '../../src/storage/index.js';
import { enc } from './storage-helpers.js';

/** node:fs write and fdatasync calls (and pacer calls), in order. */
const events: string[] = [];

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const write = ((...args: unknown[]) => {
    events.push(`write ${String(args[3])}`);
    return (actual.write as (...a: unknown[]) => void)(...args);
  }) as typeof actual.write;
  const fdatasync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
    events.push('fdatasync');
    actual.fdatasync(fd, callback);
  }) as typeof actual.fdatasync;
  return { ...actual, default: { ...actual, write, fdatasync }, write, fdatasync };
});

const MIB = 1024 * 1024;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vfs-remove-'));
  dirs.push(dir);
  return dir;
}

function patterned(length: number): Uint8Array {
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = (i * 13 + (i >> 11)) & 0xff;
  return data;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('NodeVfs.remove', () => {
  it('frees the name at once and unlinks the file off the event loop', async () => {
    const dir = tempDir();
    const vfs = new NodeVfs();
    const path = join(dir, '000007.sst');
    writeFileSync(path, Buffer.alloc(64 * 1024, 1));
    vfs.remove(path);
    expect(vfs.exists(path)).toBe(false);
    expect(vfs.list(dir).filter((name) => name === '000007.sst')).toEqual([]);
    await until(() => readdirSync(dir).length === 0);
    vfs.remove(path);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a .trash file left by a crash is deleted on open', async () => {
    const dir = tempDir();
    const engine = await Engine.open(dir, { flushInWorker: false });
    await engine.commit([{ key: enc('k'), value: enc('v') }], 1);
    await engine.close();
    writeFileSync(join(dir, '000099.sst.trash'), 'left behind');
    const reopened = await Engine.open(dir, { flushInWorker: false });
    expect(Buffer.from(reopened.get(enc('k'), reopened.visibleTs()) ?? []).toString()).toBe('v');
    await until(() => !existsSync(join(dir, '000099.sst.trash')));
    await reopened.close();
  });
});

describe('NodeVfs thread-pool calls', () => {
  it('writeFileSynced writes a file of several chunks and sync intervals whole', async () => {
    const dir = tempDir();
    const vfs = new NodeVfs();
    const data = new Uint8Array(9 * 1024 * 1024 + 12345);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 12)) & 0xff;
    const path = join(dir, '000009.sst');
    await vfs.writeFileSynced(path, data);
    expect(Buffer.compare(readFileSync(path), data)).toBe(0);
    // A shorter rewrite replaces the content (the file is opened with truncation).
    await vfs.writeFileSynced(path, data.subarray(0, 100));
    expect(statSync(path).size).toBe(100);
  });

  it('writeFileSynced paces each 1 MiB chunk before writing it and keeps a sync every 4 MiB', async () => {
    const vfs = new NodeVfs();
    const dir = tempDir();
    const data = patterned(9 * MIB + 100);
    events.length = 0;
    await vfs.writeFileSynced(join(dir, 'a.sst'), data, async (bytes) => {
      events.push(`pace ${bytes}`);
    });
    const chunk = [`pace ${MIB}`, `write ${MIB}`];
    const fourChunks = [...chunk, ...chunk, ...chunk, ...chunk];
    expect(events).toEqual([...fourChunks, 'fdatasync', ...fourChunks, 'fdatasync', ...chunk, 'pace 100', 'write 100', 'fdatasync']);
    expect(Buffer.compare(readFileSync(join(dir, 'a.sst')), data)).toBe(0);
    const paced = events.filter((event) => !event.startsWith('pace'));
    events.length = 0;
    await vfs.writeFileSynced(join(dir, 'b.sst'), data);
    expect(events, 'unpaced: the same writes and syncs').toEqual(paced);
    expect(Buffer.compare(readFileSync(join(dir, 'b.sst')), data)).toBe(0);
  });

  it('a pacer that rejects stops writeFileSynced (the file is closed, nothing more written)', async () => {
    const vfs = new NodeVfs();
    const dir = tempDir();
    events.length = 0;
    let calls = 0;
    const failing = vfs.writeFileSynced(join(dir, 'c.sst'), patterned(3 * MIB), async () => {
      if (++calls === 2) throw new Error('engine closing');
    });
    await expect(failing).rejects.toThrow('engine closing');
    expect(events).toEqual([`write ${MIB}`]);
    expect(readFileSync(join(dir, 'c.sst')).length).toBe(MIB);
  });

  it('truncate cuts the file and sets the size of every open handle', async () => {
    const dir = tempDir();
    const vfs = new NodeVfs();
    const path = join(dir, '000001.log');
    const writer = vfs.openAppend(path);
    writer.append(new Uint8Array(5000).fill(1));
    const reader = vfs.openRead(path);
    const cut = vfs.truncate(path, 1200);
    expect(writer.size()).toBe(1200);
    expect(reader.size()).toBe(1200);
    await cut;
    expect(statSync(path).size).toBe(1200);
    writer.append(new Uint8Array(10).fill(2));
    expect(statSync(path).size).toBe(1210);
    writer.close();
    reader.close();
  });

  it('syncDir resolves; a missing file or directory is a StorageIOError with its errno', async () => {
    const dir = tempDir();
    const vfs = new NodeVfs();
    await vfs.syncDir(dir);
    const missing = vfs.truncate(join(dir, 'absent.log'), 0);
    await expect(missing).rejects.toBeInstanceOf(StorageIOError);
    await expect(missing).rejects.toMatchObject({ errno: 'ENOENT' });
    await expect(vfs.syncDir(join(dir, 'absent'))).rejects.toBeInstanceOf(StorageIOError);
    await expect(vfs.writeFileSynced(join(dir, 'absent', 'x.sst'), new Uint8Array(1))).rejects.toBeInstanceOf(StorageIOError);
  });
});
