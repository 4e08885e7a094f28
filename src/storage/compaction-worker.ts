/**
 * The compaction worker thread: receives input table images (and, for value-log GC, the segment
 * image), runs mergeTables() and transfers the output images back. It does no I/O: the main
 * thread reads inputs and writes outputs through the Vfs (so crash and fault tests cover it).
 *
 * Invariants:
 * - The thread runs at a lower CPU priority (BACKGROUND_NICE) than the event loop.
 * - One reply `{ id, result }` per request `{ id, request }` (request-worker.ts); a failure
 *   replies with `error` instead.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { mergeTables, type MergeRequest } from './compaction-merge.js';

/**
 * The nice value of this thread. Linux keeps a nice value per thread, so this lowers only the
 * compaction worker (as RocksDB lowers its compaction threads' CPU priority): on a busy machine
 * the event loop's foreground reads win the CPU over a merge running flat out.
 */
const BACKGROUND_NICE = 10;
try {
  setPriority(BACKGROUND_NICE);
} catch {
  // Not permitted here: the merge runs at normal priority.
}


const port = parentPort;
if (port !== null) {
  port.on('message', ({ id, request }: { id: number; request: MergeRequest }) => {
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
