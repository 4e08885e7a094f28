/**
 * The committers of the preallocated-log crash tests (commit-log-prealloc-crash, vlog-prealloc-crash):
 * each commits, ITERATIONS times, one batch of three keys (`c<c>-a` 600–1199 bytes, `c<c>-big` 1,500
 * bytes, `c<c>-b` 16 bytes) whose values all name the batch number, so a crash image shows a lost
 * acknowledged commit or half a batch. A commit may fail only for lack of space (ENOSPC injected).
 */
import { expect } from 'vitest';
import type { Engine } from '../../src/storage/index.js';
import { enc } from './storage-helpers.js';

/** Per committer, the batches whose commit failed (for lack of space): none may ever appear. */
export type FailedBatches = ReadonlyArray<Set<number>>;

/** A value of `bytes` bytes naming committer `c`'s batch `n`. */
export const valueFor = (c: number, n: number, bytes: number): Uint8Array => enc(`c${c}:${n}:`.padEnd(bytes, 'v'));

/** The batch number a value names (-1 for none). */
export const batchOf = (value: Uint8Array | undefined): number => (value === undefined ? -1 : Number(Buffer.from(value).toString().split(':')[1]));

/**
 * Runs `acked.length` committers concurrently; `acked[c]` is raised to each batch once its commit
 * resolved, `failed[c]` collects batches whose commit failed. `afterCommit` runs after each attempt.
 */
export async function runCommitters(engine: Engine, iterations: number, random: () => number, acked: number[], failed: FailedBatches, afterCommit?: () => void): Promise<void> {
  const committer = async (c: number): Promise<void> => {
    for (let n = 0; n < iterations; n++) {
      const writes = [
        { key: enc(`c${c}-a`), value: valueFor(c, n, 600 + Math.floor(random() * 600)) },
        { key: enc(`c${c}-big`), value: valueFor(c, n, 1500) },
        { key: enc(`c${c}-b`), value: valueFor(c, n, 16) },
      ];
      try {
        await engine.commit(writes, engine.lastTs() + 1);
        acked[c] = n;
      } catch (error) {
        expect(error).toMatchObject({ errno: 'ENOSPC' });
        failed[c]?.add(n);
      }
      afterCommit?.();
    }
  };
  await Promise.all(acked.map((_, c) => committer(c)));
}

/**
 * After a crash: every committer shows at least its last acknowledged batch, never a batch whose
 * commit failed, and all three keys of one batch (inline and value-log values alike).
 */
export function expectCommittersIntact(engine: Engine, acked: readonly number[], failed: FailedBatches, where: string): void {
  const ts = engine.visibleTs();
  for (let c = 0; c < acked.length; c++) {
    const n = batchOf(engine.get(enc(`c${c}-a`), ts));
    expect(n, `${where} c${c} lost an acknowledged commit`).toBeGreaterThanOrEqual(acked[c] as number);
    expect(failed[c]?.has(n), `${where} c${c} shows failed batch ${n}`).toBe(false);
    expect(batchOf(engine.get(enc(`c${c}-b`), ts)), `${where} c${c} half a batch`).toBe(n);
    expect(batchOf(engine.get(enc(`c${c}-big`), ts)), `${where} c${c} half a batch (value log)`).toBe(n);
  }
}
