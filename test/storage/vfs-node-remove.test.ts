/**
 * NodeVfs.remove() frees the name at once (renamed to `<name>.trash`) and unlinks off the event
 * loop; a `.trash` file a crash left behind is deleted when the engine opens the directory.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine, NodeVfs } from '../../src/storage/index.js';
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
