/**
 * Acceptance 6: with 64 concurrent committers the Vfs counts at most one fsync per file per 8
 * commits — group commit shares one append and one fsync per file among waiting commits.
 */
import { describe, expect, it } from 'vitest';
import { Engine, FaultVfs, MemoryVfs } from '../../src/storage/index.js';
import { GroupCommit } from '../../src/storage/group-commit.js';
import { enc } from './storage-helpers.js';

const COMMITTERS = 64;
const COMMITS_EACH = 20;

describe('group commit', () => {
  for (const valueBytes of [16, 512]) {
    it(`64 concurrent committers, ${valueBytes}-byte values: at most one fsync per file per 8 commits`, async () => {
      const vfs = new FaultVfs(new MemoryVfs());
      const engine = await Engine.open('/db', { vfs, valueThreshold: 256 });
      const syncsBefore = vfs.syncCounts();
      const committer = async (c: number): Promise<void> => {
        for (let n = 0; n < COMMITS_EACH; n++) {
          await engine.commit([{ key: enc(`k${c}-${n}`), value: new Uint8Array(valueBytes).fill(c) }], engine.lastTs() + 1);
        }
      };
      await Promise.all(Array.from({ length: COMMITTERS }, (_, c) => committer(c)));
      const commits = COMMITTERS * COMMITS_EACH;
      let filesSynced = 0;
      for (const [path, count] of vfs.syncCounts()) {
        const during = count - (syncsBefore.get(path) ?? 0);
        if (during === 0) continue;
        filesSynced++;
        expect(during, path).toBeLessThanOrEqual(commits / 8);
      }
      expect(filesSynced).toBe(valueBytes >= 256 ? 2 : 1);
      expect(engine.stats().groups).toBeLessThanOrEqual(commits / 8);
      for (let c = 0; c < COMMITTERS; c += 7) {
        expect(engine.get(enc(`k${c}-${COMMITS_EACH - 1}`), engine.visibleTs())?.[0]).toBe(c);
      }
      await engine.close();
    });
  }

  it('groupCommitDelayMs gathers a burst into few groups', async () => {
    const vfs = new FaultVfs(new MemoryVfs());
    const engine = await Engine.open('/db', { vfs, groupCommitDelayMs: 2 });
    const pending = Array.from({ length: 100 }, (_, i) => engine.commit([{ key: enc(`k${i}`), value: enc('v') }], engine.lastTs() + 1));
    await Promise.all(pending);
    expect(engine.stats().groups).toBeLessThanOrEqual(2);
    await engine.close();
  });

  it('GroupCommit: groups in submission order up to groupCommitBytesMax, barriers alone, one promise per group', async () => {
    const groups: number[][] = [];
    const events: string[] = [];
    let failNext = false;
    // Group [4] reports at once, the others from a later microtask, the failed one by throwing.
    const queue = new GroupCommit<number>(
      (items, outcome) => {
        groups.push([...items]);
        events.push(`group ${items.join(',')}`);
        if (failNext) {
          failNext = false;
          throw new Error('group failed');
        }
        if (items.length === 1 && items[0] === 4) outcome.resolve();
        else void Promise.resolve().then(outcome.resolve);
      },
      { groupCommitDelayMs: 0, groupCommitBytesMax: 100 },
    );
    // Submitted in one turn: [1 2 3] (90 bytes), [4] (alone: 150 > max), [5], barrier, [6 7].
    const done = [queue.submit(1, 30), queue.submit(2, 30), queue.submit(3, 30), queue.submit(4, 150), queue.submit(5, 10)];
    const barrier = queue.barrier(async () => {
      events.push('barrier');
    });
    const after = [queue.submit(6, 50), queue.submit(7, 50)];
    expect(queue.pendingCount).toBe(8);
    expect(done[0]).toBe(done[1]);
    expect(done[1]).toBe(done[2]);
    expect(done[3]).not.toBe(done[2]);
    expect(after[0]).toBe(after[1]);
    await Promise.all([...done, barrier, ...after]);
    expect(groups).toEqual([[1, 2, 3], [4], [5], [6, 7]]);
    expect(events).toEqual(['group 1,2,3', 'group 4', 'group 5', 'barrier', 'group 6,7']);
    expect(queue.groups).toBe(4);
    expect(queue.pendingCount).toBe(0);
    // A failed group rejects every commit of it, and only those.
    failNext = true;
    const failing = [queue.submit(8, 10), queue.submit(9, 10)];
    await expect(failing[0]).rejects.toThrow('group failed');
    await expect(failing[1]).rejects.toThrow('group failed');
    await queue.submit(10, 10);
    expect(groups.at(-1)).toEqual([10]);
  });

  it('GroupCommit: commits submitted while a group is in flight form the next group; a throwing barrier rejects alone', async () => {
    const groups: number[][] = [];
    let report: (() => void) | undefined;
    const queue = new GroupCommit<number>(
      (items, outcome) => {
        groups.push([...items]);
        report = outcome.resolve; // reported later, by the test
      },
      { groupCommitDelayMs: 0, groupCommitBytesMax: 1000 },
    );
    const first = queue.submit(1, 10);
    await Promise.resolve(); // the first group starts in a microtask
    expect(groups).toEqual([[1]]);
    const second = [queue.submit(2, 10), queue.submit(3, 10)];
    const failing = queue.barrier(() => {
      throw new Error('barrier failed');
    });
    const third = queue.submit(4, 10);
    expect(groups).toEqual([[1]]);
    report?.();
    await first;
    expect(groups).toEqual([[1], [2, 3]]);
    report?.();
    await Promise.all(second);
    await expect(failing).rejects.toThrow('barrier failed');
    await Promise.resolve();
    expect(groups).toEqual([[1], [2, 3], [4]]);
    report?.();
    await third;
    expect(queue.groups).toBe(3);
    expect(queue.pendingCount).toBe(0);
  });
});
