/**
 * The main-thread side of the compaction worker: one thread per process, shared by every open
 * engine (request-worker.ts: started on first use, unref'd while idle, tsx-aware under TypeScript).
 *
 * Invariants:
 * - When the worker thread cannot run (it failed to start or died, e.g. a bundle without the
 *   worker file), the request runs inline instead: compaction is never blocked by the thread,
 *   only slowed.
 * - Input images are copied before transfer, so the caller's buffers stay usable.
 */
import { mergeTables, type MergeRequest, type MergeResult } from './compaction-merge.js';
import { RequestWorker, WorkerUnavailableError } from './request-worker.js';

const compactionWorker = new RequestWorker<MergeRequest, MergeResult>(
  new URL(import.meta.url.endsWith('.ts') ? './compaction-worker.ts' : './compaction-worker.js', import.meta.url),
  'compaction worker',
);

/** A copy to transfer (the caller's image stays usable for an inline retry). */
function owned(image: Uint8Array): Uint8Array {
  // A real copy with its own ArrayBuffer (Buffer#slice would be a view), made with one memcpy.
  return Uint8Array.prototype.slice.call(image);
}

/** Runs `request` in the worker thread (inline if the thread is unavailable). */
export async function mergeInWorker(request: MergeRequest): Promise<MergeResult> {
  try {
    return await postMerge(request);
  } catch (error) {
    if (error instanceof WorkerUnavailableError) return mergeTables(request);
    throw error;
  }
}

function postMerge(request: MergeRequest): Promise<MergeResult> {
  const tables = request.tables.map(owned);
  const transfer: ArrayBuffer[] = tables.map((image) => image.buffer as ArrayBuffer);
  let gc = request.gc;
  if (gc !== undefined) {
    gc = { ...gc, image: owned(gc.image) };
    transfer.push(gc.image.buffer as ArrayBuffer);
  }
  return compactionWorker.request({ ...request, tables, gc }, transfer);
}
