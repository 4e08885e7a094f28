/**
 * Samples the JS heap allocations of a piece of work with V8's sampling heap profiler and writes
 * the profile (a `.heapprofile`, as Chrome DevTools saves it) — where the bytes that
 * allocated-bytes.ts counts come from.
 *
 * - Objects already collected by a scavenge or a mark-compact when the profile is taken are kept
 *   in it: the profile is of what was allocated, not of what survived.
 * - Sampling is statistical (one sample per `samplingIntervalBytes` on average): divide a node's
 *   bytes by the operations run for bytes per operation, and expect noise in the small ones.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** Mean bytes between samples (V8's default is 32 KiB: far too coarse for a few KB per operation). */
const SAMPLING_INTERVAL_BYTES = 64;

/** Runs `work` under the sampling heap profiler and writes the profile to `file`. */
export async function sampleAllocations(work: () => Promise<void>, file: string): Promise<void> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: SAMPLING_INTERVAL_BYTES,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await work();
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(file, JSON.stringify(profile));
  } finally {
    session.disconnect();
  }
}
