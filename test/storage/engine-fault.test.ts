/**
 * Acceptance 5 and issue 10: I/O faults injected at writes and fsyncs (commit path, flush path,
 * manifest, compaction).
 * - EIO anywhere, and any failed fsync (ENOSPC included): a typed error, sticky refusal of every
 *   later write, and after reopen (also after a power loss) nothing acknowledged is lost.
 * - ENOSPC on a write or create (also a short write that leaves half a record): only the failing
 *   group fails, with the StorageIOError (errno ENOSPC); the same engine serves reads and, once
 *   space returns, writes again without a restart; nothing acknowledged is lost and nothing that
 *   failed appears — live, after reopen and after a power loss.
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

interface Outcome {
  readonly acked: Map<string, string>;
  /** Keys whose commit was rejected. */
  readonly failed: Set<string>;
  readonly errors: unknown[];
}

/** COMMITTERS concurrent committers of COMMITS_EACH single-key commits (keys `${prefix}c-n`). */
async function workload(engine: Engine, prefix: string, outcome: Outcome): Promise<void> {
  const committer = async (c: number): Promise<void> => {
    for (let n = 0; n < COMMITS_EACH; n++) {
      const key = enc(`${prefix}${c}-${n}`);
      const value = enc(`${c}:${n}:`.padEnd(n % 2 === 0 ? 100 : 10, 'v'));
      try {
        await engine.commit([{ key, value }], engine.lastTs() + 1);
        outcome.acked.set(hex(key), hex(value));
      } catch (error) {
        outcome.errors.push(error);
        outcome.failed.add(hex(key));
      }
    }
  };
  await Promise.all(Array.from({ length: COMMITTERS }, (_, c) => committer(c)));
}

/** Every acknowledged key has its value and no failed key is present in `engine`. */
function expectExactly(engine: Engine, outcome: Outcome, where: string): void {
  const ts = engine.visibleTs();
  for (const [key, value] of outcome.acked) {
    const got = engine.get(Buffer.from(key, 'hex'), ts);
    expect(got === undefined ? undefined : hex(got), `${where}: acknowledged ${key}`).toBe(value);
  }
  for (const key of outcome.failed) expect(engine.get(Buffer.from(key, 'hex'), ts), `${where}: failed ${key} appears`).toBeUndefined();
}

/** Reopens the closed engine's files as they are and as a power loss leaves them. */
async function expectAfterReopen(mem: MemoryVfs, outcome: Outcome, where: string): Promise<void> {
  for (const [name, image] of [['crash image', mem.crashImage()], ['reopen', mem]] as const) {
    const reopened = await Engine.open('/db', { ...OPTIONS, vfs: image });
    expectExactly(reopened, outcome, `${where} ${name}`);
    await reopened.commit([{ key: enc('after'), value: enc('ok') }], reopened.lastTs() + 1);
    await reopened.close();
  }
}

async function runSticky(rule: FaultRule): Promise<void> {
  const mem = new MemoryVfs();
  const vfs = new FaultVfs(mem);
  const engine = await Engine.open('/db', { ...OPTIONS, vfs });
  vfs.inject(rule);
  const outcome: Outcome = { acked: new Map(), failed: new Set(), errors: [] };
  await workload(engine, 'k', outcome);
  await engine.flush().catch((error: unknown) => outcome.errors.push(error));
  const where = JSON.stringify({ ...rule, random: undefined });
  expect(vfs.injected, where).toBeGreaterThan(0);
  expect(outcome.errors.length, where).toBeGreaterThan(0);
  expect(errnoOf(outcome.errors[0]), where).toBe(rule.errno ?? 'EIO');
  // The commits of the failing group share its error; every later one is refused (sticky).
  for (const error of outcome.errors.slice(1)) {
    if (error !== outcome.errors[0]) expect(error, where).toBeInstanceOf(EngineFailedError);
  }
  vfs.clearFaults();
  await expect(engine.commit([{ key: enc('late'), value: enc('x') }], engine.lastTs() + 1)).rejects.toBeInstanceOf(EngineFailedError);
  await engine.close();
  // Only the commits acknowledged count: a failed group may or may not be durable after a failed fsync.
  await expectAfterReopen(mem, { ...outcome, failed: new Set() }, where);
}

/**
 * ENOSPC by `rule` during a workload: failures are the typed space error of their own group and
 * never sticky; then space returns and the same engine takes writes, flushes and compacts.
 */
async function runSpace(rule: FaultRule, options: Record<string, unknown> = {}): Promise<void> {
  const mem = new MemoryVfs();
  const vfs = new FaultVfs(mem);
  const engine = await Engine.open('/db', { ...OPTIONS, ...options, vfs });
  const outcome: Outcome = { acked: new Map(), failed: new Set(), errors: [] };
  await workload(engine, 'a', outcome);
  vfs.inject(rule);
  await workload(engine, 'b', outcome);
  await engine.flush().catch((error: unknown) => outcome.errors.push(error));
  const where = JSON.stringify({ ...rule, random: undefined });
  expect(vfs.injected, where).toBeGreaterThan(0);
  for (const error of outcome.errors) {
    expect(error, where).toBeInstanceOf(StorageIOError);
    expect(errnoOf(error), where).toBe('ENOSPC');
  }
  expectExactly(engine, outcome, `${where} live, disk full`);
  // Space returns: the same engine flushes (an explicit flush retries at once), writes and compacts.
  vfs.clearFaults();
  await engine.flush();
  await workload(engine, 'c', outcome);
  await engine.flush();
  await engine.compact();
  for (let c = 0; c < COMMITTERS; c++) expect(outcome.acked.has(hex(enc(`c${c}-${COMMITS_EACH - 1}`))), where).toBe(true);
  expectExactly(engine, outcome, `${where} live, space back`);
  expect(engine.stats().diskFull, where).toBe(0);
  // No partial or abandoned output stayed behind: every table file is one the engine uses.
  await engine.backgroundIdle();
  expect(mem.list('/db').filter((name) => name.endsWith('.sst')).length, `${where} table files`).toBe(engine.stats().tables);
  await engine.close();
  await expectAfterReopen(mem, outcome, where);
}

describe('EIO and failed fsyncs are typed, sticky, and lose nothing acknowledged', () => {
  const seed = testSeed('engine-fault');
  for (const [kind, errno] of [['write', 'EIO'], ['sync', 'EIO'], ['sync', 'ENOSPC']] as const) {
    for (const nth of [1, 4, 17, 60]) {
      it(`${errno} at ${kind} #${nth}`, async () => {
        await runSticky({ kind, nth, errno });
      });
    }
  }
  it('EIO on the flush path (table write, manifest sync)', async () => {
    await runSticky({ kind: 'write', nth: 1, errno: 'EIO', pathIncludes: '.sst' });
    await runSticky({ kind: 'sync', nth: 1, errno: 'EIO', pathIncludes: 'MANIFEST' });
  });
  it('EIO by seeded probability', async () => {
    for (let i = 0; i < 4; i++) {
      await runSticky({ kind: i % 2 === 0 ? 'write' : 'sync', probability: i % 2 === 0 ? 0.1 : 0.25, random: prng(seed + i), errno: 'EIO' });
    }
  });
});

describe('ENOSPC on a write fails only its group; writes resume when space returns', () => {
  const seed = testSeed('engine-fault-space');
  for (const nth of [1, 4, 17, 60]) {
    for (const shortWrite of [false, true]) {
      it(`ENOSPC at write #${nth}${shortWrite ? ' (short write)' : ''}`, async () => {
        await runSpace({ kind: 'write', nth, errno: 'ENOSPC', shortWrite });
      });
    }
  }
  it('ENOSPC on every commit-log or value-log write until space returns', async () => {
    await runSpace({ kind: 'write', probability: 1, errno: 'ENOSPC', shortWrite: true, pathIncludes: '.log' });
    await runSpace({ kind: 'write', probability: 1, errno: 'ENOSPC', shortWrite: true, pathIncludes: '.vlog' });
  });
  it('ENOSPC when creating a value-log or commit-log segment', async () => {
    await runSpace({ kind: 'open', probability: 1, errno: 'ENOSPC', pathIncludes: '.vlog' }, { vlogSegmentBytesMax: 4096 });
    await runSpace({ kind: 'open', probability: 1, errno: 'ENOSPC', pathIncludes: '.log' });
  });
  it('ENOSPC on flushes, manifest edits and compactions: retried, the engine keeps serving', async () => {
    await runSpace({ kind: 'write', probability: 1, errno: 'ENOSPC', shortWrite: true, pathIncludes: '.sst' });
    await runSpace({ kind: 'write', probability: 1, errno: 'ENOSPC', shortWrite: true, pathIncludes: 'MANIFEST' });
    await runSpace({ kind: 'write', nth: 3, errno: 'ENOSPC', pathIncludes: '.sst' }, { l0CompactionTrigger: 2 });
  });
  it('ENOSPC by seeded probability on every kind of write', async () => {
    for (let i = 0; i < 4; i++) {
      await runSpace({ kind: 'write', probability: 0.15, random: prng(seed + i), errno: 'ENOSPC', shortWrite: i % 2 === 0 }, { l0CompactionTrigger: 2 });
    }
  });
});
