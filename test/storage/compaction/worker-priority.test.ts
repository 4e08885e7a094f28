/**
 * Background threads run at a lower CPU priority than the event loop
 * (thread-priority.ts): after a flush built in the flush worker (no compaction or GC
 * ran, so no compaction worker exists), a thread of this process runs at BACKGROUND_NICE, and the
 * main thread does not. Linux keeps nice values per thread (/proc/self/task/<tid>/stat, field 19).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine, MemoryVfs } from '../../../src/storage/index.js';
import { BACKGROUND_NICE } from '../../../src/storage/thread-priority.js';

/** Nice value of each thread of this process, by thread id. */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(tid), Number(fields[16]));
  }
  return out;
}

describe('background thread priority', () => {
  it('the flush worker lowers its own nice value, not the main thread', async () => {
    const before = [...threadNices().values()].filter((nice) => nice === BACKGROUND_NICE).length;
    const engine = await Engine.open('/db', { vfs: new MemoryVfs(), flushInWorker: true });
    for (let ts = 1; ts <= 50; ts++) await engine.commit([{ key: Buffer.from(`k${ts}`), value: Buffer.alloc(100, ts) }], ts);
    await engine.flush();
    expect(engine.stats().compactions + engine.stats().gcRuns, 'no compaction worker was needed').toBe(0);
    const nices = threadNices();
    expect([...nices.values()].filter((nice) => nice === BACKGROUND_NICE).length).toBe(before + 1);
    expect(nices.get(process.pid), 'the event loop keeps its priority').not.toBe(BACKGROUND_NICE);
    await engine.close();
  });
});
