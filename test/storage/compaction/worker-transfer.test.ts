/**
 * The compaction worker client (compaction-worker-client.ts) transfers input images instead of
 * copying them on the event loop: an image that spans its whole buffer is detached by the call
 * and the worker's merge equals the inline one; an image that is a view into a bigger buffer is
 * copied, so the rest of that buffer stays usable.
 */
import { describe, expect, it } from 'vitest';
import { mergeTables, type MergeRequest } from '../../../src/storage/compaction-merge.js';
import { mergeInWorker } from '../../../src/storage/compaction-worker-client.js';
import { WorkerUnavailableError } from '../../../src/storage/request-worker.js';
import { encodeInternalKey, KIND_VALUE } from '../../../src/storage/internal-key.js';
import { TableBuilder } from '../../../src/storage/table-builder.js';

const BUILDER = { blockBytes: 256, restartInterval: 4, bloomBitsPerKey: 10 };

/** A table of keys `${prefix}000`.. with values naming their ts, in a buffer of its own. */
function table(prefix: string, count: number, ts: number): Uint8Array {
  const builder = new TableBuilder(BUILDER);
  for (let i = 0; i < count; i++) builder.add(encodeInternalKey(Buffer.from(`${prefix}${String(i).padStart(3, '0')}`), ts, KIND_VALUE), Buffer.from(`v${ts}-${i}`));
  return Uint8Array.from(builder.finish());
}

function request(tables: Uint8Array[]): MergeRequest {
  return { tables, safePointTs: 0, dropTombstones: false, targetTableBytes: Infinity, perInput: false, builder: BUILDER };
}

const images = (result: { outputs: Array<{ image: Uint8Array }> }): string[] => result.outputs.map((output) => Buffer.from(output.image).toString('hex'));

describe('compaction worker transfer', () => {
  it('transfers whole-buffer inputs (detached after the call) and merges as inline', async () => {
    const inputs = [table('a', 200, 5), table('a', 150, 3), table('b', 100, 4)];
    const expected = mergeTables(request(inputs.map((image) => Uint8Array.from(image))));
    let reloads = 0;
    const result = await mergeInWorker(request(inputs), async () => {
      reloads++;
      return request([]);
    });
    expect(images(result)).toEqual(images(expected));
    expect(result.entriesIn).toBe(450);
    expect(reloads).toBe(0);
    for (const image of inputs) expect(image.byteLength).toBe(0);
  });

  it('copies an input that is a view into a bigger buffer, leaving that buffer usable', async () => {
    const image = table('c', 120, 7);
    const shared = new Uint8Array(image.length + 64).fill(0xab);
    shared.set(image, 32);
    const view = shared.subarray(32, 32 + image.length);
    const result = await mergeInWorker(request([view]), async () => request([]));
    expect(images(result)).toEqual(images(mergeTables(request([image]))));
    expect(shared.byteLength).toBe(image.length + 64);
    expect(shared[0]).toBe(0xab);
    expect(Buffer.compare(view, image)).toBe(0);
  });

  it('merges the reloaded inputs inline when the thread is gone, and passes other errors on', async () => {
    const inputs = [table('a', 120, 5), table('a', 80, 3)];
    const expected = mergeTables(request(inputs.map((image) => Uint8Array.from(image))));
    const gone = async (): Promise<never> => {
      throw new WorkerUnavailableError('compaction worker exited');
    };
    let reloads = 0;
    // The first request's images would be detached by a real hand-off: the fallback must use the
    // reloaded inputs, never the request it was given.
    const result = await mergeInWorker(request([]), async () => {
      reloads++;
      return request(inputs.map((image) => Uint8Array.from(image)));
    }, gone);
    expect(reloads).toBe(1);
    expect(images(result)).toEqual(images(expected));
    const broken = async (): Promise<never> => {
      throw new Error('merge failed');
    };
    await expect(mergeInWorker(request(inputs), async () => request(inputs), broken)).rejects.toThrow('merge failed');
  });
});
