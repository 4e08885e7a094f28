/**
 * The main-thread side of the compaction worker: one thread per process, shared by every open
 * engine (request-worker.ts: started on first use, unref'd while idle, tsx-aware under TypeScript).
 *
 * Invariants:
 * - When the worker thread cannot run (it failed to start or died, e.g. a bundle without the
 *   worker file), the request runs inline instead: compaction is never blocked by the thread,
 *   only slowed.
 * - Input images are transferred, not copied: a copy of every input on the event loop (all the
 *   tables of a full compaction) blocked foreground reads for tens of milliseconds. After the call
 *   the request's images are detached (unusable); a request whose thread failed is rebuilt by
 *   `reload` (its inputs read again) and merged inline.
 * - An image that is a view into a bigger buffer (which may hold other data) is copied instead.
 */
import { mergeTables, type MergeRequest, type MergeResult } from './compaction-merge.js';
import { RequestWorker, WorkerUnavailableError } from './request-worker.js';

const compactionWorker = new RequestWorker<MergeRequest, MergeResult>(
  new URL(import.meta.url.endsWith('.ts') ? './compaction-worker.ts' : './compaction-worker.js', import.meta.url),
  'compaction worker',
);

/** `image` itself when it spans its whole buffer (so transferring it detaches nothing else), else a copy. */
function transferable(image: Uint8Array): Uint8Array {
  if (image.byteOffset === 0 && image.byteLength === image.buffer.byteLength && !(image.buffer instanceof SharedArrayBuffer)) return image;
  // A real copy with its own ArrayBuffer (Buffer#slice would be a view), made with one memcpy.
  return Uint8Array.prototype.slice.call(image);
}

/**
 * Runs `request` in the worker thread, transferring its images (see the invariants); when the
 * thread is unavailable, merges `reload()`'s request inline instead. `post` is the hand-off to
 * the thread (a test passes one whose thread is gone).
 */
export async function mergeInWorker(
  request: MergeRequest,
  reload: () => Promise<MergeRequest>,
  post: (request: MergeRequest) => Promise<MergeResult> = postMerge,
): Promise<MergeResult> {
  try {
    return await post(request);
  } catch (error) {
    if (error instanceof WorkerUnavailableError) return mergeTables(await reload());
    throw error;
  }
}

function postMerge(request: MergeRequest): Promise<MergeResult> {
  const tables = request.tables.map(transferable);
  let gc = request.gc;
  if (gc !== undefined) gc = { ...gc, image: transferable(gc.image) };
  // Distinct buffers only (a transfer list naming one twice is an error).
  const transfer = new Set<ArrayBuffer>(tables.map((image) => image.buffer as ArrayBuffer));
  if (gc !== undefined) transfer.add(gc.image.buffer as ArrayBuffer);
  return compactionWorker.request({ ...request, tables, gc }, [...transfer]);
}

/** Hands images the main thread is done with to the compaction worker to drop (request-worker.ts release()). */
export function releaseToCompactionWorker(views: ReadonlyArray<Uint8Array | undefined>): void {
  compactionWorker.release(views);
}
