/**
 * The main-thread side of the flush worker: one thread per process, shared by every open engine
 * (request-worker.ts: started on first use, unref'd while idle, tsx-aware under TypeScript).
 */
import type { BuiltTable } from './flush-build.js';
import type { FlushRequest } from './flush-worker.js';
import { RequestWorker } from './request-worker.js';
import type { TableBuilderOptions } from './table-builder.js';

const flushWorker = new RequestWorker<FlushRequest, BuiltTable>(
  new URL(import.meta.url.endsWith('.ts') ? './flush-worker.ts' : './flush-worker.js', import.meta.url),
  'flush worker',
);

/**
 * Builds a table from a serialized payload in the worker thread. The payload's ArrayBuffer is
 * transferred, not copied, when the payload starts it and it is bigger than a slab of Node's
 * Buffer pool (serializeEntries' result: a buffer of its own); anything else is copied first (a
 * 32 MiB copy took a 20 ms turn of the event loop: issue 9).
 */
export function buildTableInWorker(payload: Uint8Array, options: TableBuilderOptions): Promise<BuiltTable> {
  const owned = payload.byteOffset === 0 && payload.buffer.byteLength > Buffer.poolSize ? payload : new Uint8Array(payload);
  return flushWorker.request({ payload: owned, options }, [owned.buffer as ArrayBuffer]);
}

/** Hands table images the main thread is done with to the flush worker to drop (request-worker.ts release()). */
export function releaseToFlushWorker(views: ReadonlyArray<Uint8Array | undefined>): void {
  flushWorker.release(views);
}
