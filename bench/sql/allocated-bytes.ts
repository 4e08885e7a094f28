/**
 * Bytes the JS heap allocates per operation, measured without a GC in the way: the heap's used
 * size is read before and after a window of operations, and a window in which a scavenge ran
 * (the used size fell, or grew less than in most windows) is outvoted by taking the median.
 *
 * - Run under `node --min-semi-space-size=64 --max-semi-space-size=64` (or larger): with the
 *   default, small young generation nearly every window would include a scavenge.
 * - Off-heap memory (ArrayBuffer backing stores of large typed arrays) is not counted; the
 *   views onto it are.
 */
import { getHeapStatistics } from 'node:v8';

/** Windows measured per call (odd: the median is one of them). */
const WINDOWS = 31;

/** The median over windows of `opsPerWindow` operations of the heap bytes allocated per operation. */
export async function allocatedBytesPerOp(run: (count: number) => Promise<void>, opsPerWindow: number): Promise<number> {
  const perOp: number[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    const before = getHeapStatistics().used_heap_size;
    await run(opsPerWindow);
    const grown = getHeapStatistics().used_heap_size - before;
    perOp.push(grown / opsPerWindow);
  }
  perOp.sort((a, b) => a - b);
  return perOp[WINDOWS >> 1] as number;
}
