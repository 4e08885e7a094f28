/**
 * Acceptance 4: flipping any byte of an SSTable, a manifest record, a superblock, or a value-log /
 * commit-log record that is not the tail gives CorruptionError naming the file — never wrong
 * data, never a crash.
 */
import { describe, expect, it } from 'vitest';
import { CorruptionError, Engine, MemoryVfs } from '../../src/storage/index.js';
import { readLogRecords } from '../../src/storage/log-record.js';
import { vlogRecordsEnd } from '../../src/storage/vlog-record.js';
import { enc, prng, randomInt, testSeed } from './storage-helpers.js';

const OPTIONS = { valueThreshold: 64, memtableBytesMax: 1024 * 1024, blockBytes: 256, flushInWorker: false };
const SAMPLES_PER_FILE = 24;

function valueOf(i: number): Uint8Array {
  return enc(`value-${i}-`.padEnd(i % 3 === 0 ? 150 : 20, String.fromCharCode(97 + (i % 26))));
}

async function buildDatabase(): Promise<{ vfs: MemoryVfs; keys: number }> {
  const vfs = new MemoryVfs();
  let engine = await Engine.open('/db', { ...OPTIONS, vfs });
  let i = 0;
  for (; i < 150; i++) await engine.commit([{ key: enc(`key-${String(i).padStart(4, '0')}`), value: valueOf(i) }], engine.lastTs() + 1);
  await engine.flush();
  for (; i < 200; i++) await engine.commit([{ key: enc(`key-${String(i).padStart(4, '0')}`), value: valueOf(i) }], engine.lastTs() + 1);
  await engine.flush();
  await engine.close();
  engine = await Engine.open('/db', { ...OPTIONS, vfs });
  for (; i < 230; i++) await engine.commit([{ key: enc(`key-${String(i).padStart(4, '0')}`), value: valueOf(i) }], engine.lastTs() + 1);
  await engine.flush();
  for (; i < 260; i++) await engine.commit([{ key: enc(`key-${String(i).padStart(4, '0')}`), value: valueOf(i) }], engine.lastTs() + 1);
  await engine.close();
  return { vfs, keys: i };
}

/** Opens the image and reads every key and a full scan; returns the error, if any. */
async function readEverything(vfs: MemoryVfs, keys: number): Promise<unknown> {
  let engine: Engine | undefined;
  try {
    engine = await Engine.open('/db', { ...OPTIONS, vfs });
    const ts = engine.visibleTs();
    for (let i = 0; i < keys; i++) {
      const got = engine.get(enc(`key-${String(i).padStart(4, '0')}`), ts);
      if (got === undefined || !Buffer.from(got).equals(valueOf(i))) return new Error(`wrong data for key ${i}`);
    }
    let count = 0;
    for (const entry of engine.scan({}, ts)) {
      if (!Buffer.from(entry.value).equals(valueOf(count))) return new Error(`wrong data in scan at ${count}`);
      count++;
    }
    if (count !== keys) return new Error(`scan saw ${count} keys`);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await engine?.close();
  }
}

/** Offsets of the non-tail part of a log file (every record but the last). */
function logBodyEnd(vfs: MemoryVfs, path: string): number {
  const file = vfs.openRead(path);
  const offsets: number[] = [];
  readLogRecords(file.read(0, file.size()), path, true, (_payload, offset) => offsets.push(offset));
  return offsets.length > 1 ? (offsets[offsets.length - 1] as number) : 0;
}

function sampleOffsets(random: () => number, end: number): number[] {
  const out = new Set<number>([0, Math.max(0, end - 1)]);
  while (out.size < Math.min(end, SAMPLES_PER_FILE)) out.add(randomInt(random, end));
  return [...out];
}

describe('corruption is detected and names the file', () => {
  const seed = testSeed('engine-corruption');

  it('the pristine database reads back exactly', async () => {
    const { vfs, keys } = await buildDatabase();
    expect(await readEverything(vfs.crashImage(), keys)).toBeUndefined();
    const names = vfs.list('/db');
    for (const pattern of [/\.sst$/, /\.vlog$/, /\.log$/, /^MANIFEST-/, /^SUPER-/]) {
      expect(names.some((name) => pattern.test(name)), String(pattern)).toBe(true);
    }
  });

  for (const kind of ['sst', 'vlog', 'log', 'MANIFEST']) {
    it(`flipped bytes in ${kind} files`, async () => {
      const random = prng(seed + kind.length);
      const { vfs, keys } = await buildDatabase();
      let checked = 0;
      for (const name of vfs.list('/db')) {
        if (!(name.endsWith(`.${kind}`) || name.startsWith(`${kind}-`))) continue;
        const path = `/db/${name}`;
        // A value-log segment's zero-filled region past its records is no data (value-log.ts).
        const end = kind === 'log' || kind === 'MANIFEST' ? logBodyEnd(vfs, path) : kind === 'vlog' ? vlogRecordsEnd(vfs.openRead(path)) : vfs.fileSize(path);
        for (const offset of sampleOffsets(random, end)) {
          const image = vfs.crashImage();
          image.flipByte(path, offset);
          const error = await readEverything(image, keys);
          expect(error, `${path} offset ${offset}`).toBeInstanceOf(CorruptionError);
          expect((error as CorruptionError).path, `${path} offset ${offset}`).toBe(path);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  it('a corrupt newest superblock is a CorruptionError naming a superblock', async () => {
    const { vfs, keys } = await buildDatabase();
    const images = ['/db/SUPER-0', '/db/SUPER-1'].map((path) => {
      const image = vfs.crashImage();
      image.flipByte(path, 9);
      return image;
    });
    const errors = await Promise.all(images.map((image) => readEverything(image, keys)));
    const failed = errors.filter((error) => error !== undefined);
    expect(failed.length).toBe(1);
    expect(failed[0]).toBeInstanceOf(CorruptionError);
    expect((failed[0] as CorruptionError).path).toMatch(/SUPER-[01]$/);
  });
});
