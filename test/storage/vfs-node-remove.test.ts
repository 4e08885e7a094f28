/**
 * NodeVfs.remove() frees the name at once (renamed to `<name>.trash`) and unlinks off the event
 * loop; a `.trash` file a crash left behind is deleted when the engine opens the directory.
 * The calls that run on the thread pool (issue 9): writeFileSynced() in chunks with syncs on the
 * way (a file past several chunks and sync intervals reads back whole), truncate() (sizes of open
 * handles follow at once; the file is cut), syncDir(), and their errors as StorageIOError.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine, NodeVfs, StorageIOError } from '../../src/storage/index.js';
import { enc } from './storage-helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vfs-remove-'));
  dirs.push(dir);
  return dir;
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
