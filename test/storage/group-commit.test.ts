/**
 * Acceptance 6: with 64 concurrent committers the Vfs counts at most one fsync per file per 8
 * commits — group commit shares one append and one fsync per file among waiting commits.
 */
import { describe, expect, it } from 'vitest';
import { Engine, FaultVfs, MemoryVfs } from '../../src/storage/index.js';
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
});
