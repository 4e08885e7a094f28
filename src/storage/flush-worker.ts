/**
 * The flush worker thread: receives serialized memtable entries, builds the SSTable image with
 * TableBuilder and transfers it back. It does no I/O: the main thread writes the file through the
 * Vfs (so crash and fault tests cover it).
 *
 * Invariants:
 * - The thread runs at a lower CPU priority than the event loop (thread-priority.ts), as
 *   the compaction worker does: a table build must not take the CPU from foreground reads.
 * - One reply `{ id, result }` per request `{ id, request }` (request-worker.ts); a failure
 *   replies with `error` instead.
 */
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from './thread-priority.js';
import { buildTable } from './flush-build.js';
import type { TableBuilderOptions } from './table-builder.js';

lowerThreadPriority();

export interface FlushRequest {
  readonly payload: Uint8Array;
  readonly options: TableBuilderOptions;
}

const port = parentPort;
if (port !== null) {
  port.on('message', ({ id, request }: { id: number; request?: FlushRequest }) => {
    if (request === undefined) return; // buffers released by the main thread (request-worker.ts): dropped
    try {
      const built = buildTable(request.payload, request.options);
      const image = Uint8Array.prototype.slice.call(built.image);
      port.postMessage({ id, result: { ...built, image } }, [image.buffer]);
    } catch (error) {
      port.postMessage({ id, error: String((error as Error).stack ?? error) });
    }
  });
}
