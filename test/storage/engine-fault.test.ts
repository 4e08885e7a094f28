/**
 * Acceptance 5: EIO / ENOSPC injected at writes and fsyncs (commit path and flush path) → a typed
 * error, sticky refusal of every later write, and after reopen (also after a power loss) nothing
 * acknowledged is lost.
 */
import { describe, expect, it } from 'vitest';
import {
  Engine,
  EngineFailedError,
  FaultVfs,
  MemoryVfs,
  StorageIOError,
  type FaultRule,
} from '../../src/storage/index.js';
import { enc, hex, prng, testSeed } from './storage-helpers.js';

const COMMITTERS = 4;
const COMMITS_EACH = 40;
const OPTIONS = { valueThreshold: 64, memtableBytesMax: 2048, blockBytes: 128, flushInWorker: false };

function errnoOf(error: unknown): string | undefined {
  if (error instanceof StorageIOError) return error.errno;
  if (error instanceof EngineFailedError) return errnoOf(error.failure);
  return undefined;
}

async function runWithFault(rule: FaultRule): Promise<void> {
  const mem = new MemoryVfs();
  const vfs = new FaultVfs(mem);
  const engine = await Engine.open('/db', { ...OPTIONS, vfs });
  vfs.inject(rule);
  const acked = new Map<string, string>();
  const errors: unknown[] = [];
  const committer = async (c: number): Promise<void> => {
    for (let n = 0; n < COMMITS_EACH; n++) {
      const key = enc(`c${c}-${n}`);
      const value = enc(`${c}:${n}:`.padEnd(n % 2 === 0 ? 100 : 10, 'v'));
      try {
        await engine.commit([{ key, value }], engine.lastTs() + 1);
        expect(errors.length, 'a commit was acknowledged after a failure').toBe(0);
        acked.set(hex(key), hex(value));
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: COMMITTERS }, (_, c) => committer(c)));
  await engine.flush().catch((error: unknown) => errors.push(error));
  const where = JSON.stringify({ ...rule, random: undefined });
  expect(vfs.injected, where).toBeGreaterThan(0);
  expect(errors.length, where).toBeGreaterThan(0);
  expect(errnoOf(errors[0]), where).toBe(rule.errno ?? 'EIO');
  // The commits of the failing group share its error; every later one is refused (sticky).
  for (const error of errors.slice(1)) {
    if (error !== errors[0]) expect(error, where).toBeInstanceOf(EngineFailedError);
  }
  await expect(engine.commit([{ key: enc('late'), value: enc('x') }], engine.lastTs() + 1)).rejects.toBeInstanceOf(EngineFailedError);
  await engine.close();
  for (const image of [mem.crashImage(), mem]) {
    const reopened = await Engine.open('/db', { ...OPTIONS, vfs: image });
    for (const [key, value] of acked) {
      const got = reopened.get(Buffer.from(key, 'hex'), reopened.visibleTs());
      expect(got === undefined ? undefined : hex(got), `${where} ${key}`).toBe(value);
    }
    await reopened.commit([{ key: enc('after'), value: enc('ok') }], reopened.lastTs() + 1);
    await reopened.close();
  }
}

describe('I/O faults are typed, sticky, and lose nothing acknowledged', () => {
  const seed = testSeed('engine-fault');
  for (const kind of ['write', 'sync'] as const) {
    for (const errno of ['EIO', 'ENOSPC']) {
      for (const nth of [1, 4, 17, 60]) {
        it(`${errno} at ${kind} #${nth}`, async () => {
          await runWithFault({ kind, nth, errno });
        });
      }
    }
  }
  it('faults on the flush path (table and manifest writes)', async () => {
    await runWithFault({ kind: 'write', nth: 1, errno: 'ENOSPC', pathIncludes: '.sst' });
    await runWithFault({ kind: 'sync', nth: 1, errno: 'EIO', pathIncludes: 'MANIFEST' });
  });
  it('faults by seeded probability', async () => {
    for (let i = 0; i < 6; i++) {
      await runWithFault({ kind: i % 2 === 0 ? 'write' : 'sync', probability: i % 2 === 0 ? 0.1 : 0.25, random: prng(seed + i), errno: i % 3 === 0 ? 'ENOSPC' : 'EIO' });
    }
  });
});
