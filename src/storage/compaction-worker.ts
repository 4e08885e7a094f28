/**
 * The compaction worker thread: receives input table images (and, for value-log GC, the segment
 * image), runs mergeTables() and transfers the output images back. It does no I/O: the main
 * thread reads inputs and writes outputs through the Vfs (so crash and fault tests cover it).
 *
 * Invariants:
 * - The thread runs at a lower CPU priority than the event loop (thread-priority.ts).
 * - One reply `{ id, result }` per request `{ id, request }` (request-worker.ts); a failure
 *   replies with `error` instead.
 */
import { parentPort } from 'node:worker_threads';
import { mergeTables, type MergeRequest } from './compaction-merge.js';
import { lowerThreadPriority } from './thread-priority.js';

lowerThreadPriority();

const port = parentPort;
if (port !== null) {
  port.on('message', ({ id, request }: { id: number; request?: MergeRequest }) => {
    if (request === undefined) return; // buffers released by the main thread (request-worker.ts): dropped
    try {
      const result = mergeTables(request);
      const transfer: ArrayBuffer[] = [];
      const outputs = result.outputs.map((built) => {
        const image = Uint8Array.prototype.slice.call(built.image);
        transfer.push(image.buffer);
        return { ...built, image };
      });
      let vlogImage = result.vlogImage;
      if (vlogImage !== undefined) {
        vlogImage = Uint8Array.prototype.slice.call(vlogImage);
        transfer.push(vlogImage.buffer as ArrayBuffer);
      }
      port.postMessage({ id, result: { ...result, outputs, vlogImage } }, transfer);
    } catch (error) {
      port.postMessage({ id, error: String((error as Error).stack ?? error) });
    }
  });
}
