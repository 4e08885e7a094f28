/**
 * The main-thread side of the compaction worker: one worker thread per process, shared by every
 * open engine, started on first use and unref'd while idle so it never keeps the process alive.
 *
 * Invariants:
 * - Under a TypeScript runner (this file's URL ends in .ts) the worker is the .ts source started
 *   with tsx's loader registered in the worker (see flush-worker-client.ts); from dist, the .js.
 * - Requests are answered by id. When the worker thread cannot run (it failed to start or died,
 *   e.g. a bundle without the worker file), the request runs inline instead: compaction is never
 *   blocked by the thread, only slowed.
 * - Input images are copied before transfer, so the caller's buffers stay usable.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { mergeTables, type MergeRequest, type MergeResult } from './compaction-merge.js';

/** A failure of the thread itself (not of the merge it ran). */
class WorkerUnavailable extends Error {}

interface Waiter {
  readonly resolve: (result: MergeResult) => void;
  readonly reject: (error: Error) => void;
}

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, Waiter>();

function failAll(error: Error): void {
  worker = undefined;
  for (const waiter of waiting.values()) waiter.reject(error);
  waiting.clear();
}

function tsxBootstrap(url: URL): string {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(api)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
}

function startWorker(): Worker {
  const typescript = import.meta.url.endsWith('.ts');
  const url = new URL(typescript ? './compaction-worker.ts' : './compaction-worker.js', import.meta.url);
  const started = typescript ? new Worker(tsxBootstrap(url), { eval: true }) : new Worker(url);
  started.on('message', (reply: { id: number; result?: MergeResult; error?: string }) => {
    const waiter = waiting.get(reply.id);
    if (waiter === undefined) return;
    waiting.delete(reply.id);
    if (reply.result !== undefined) waiter.resolve(reply.result);
    else waiter.reject(new Error(`compaction worker failed: ${reply.error ?? 'unknown'}`));
    if (waiting.size === 0) started.unref();
  });
  started.on('error', (error) => failAll(new WorkerUnavailable(String(error))));
  started.on('exit', (code) => {
    if (worker === started) failAll(new WorkerUnavailable(`compaction worker exited with code ${code}`));
  });
  started.unref();
  return started;
}

/** A copy to transfer (the caller's image stays usable for an inline retry). */
function owned(image: Uint8Array): Uint8Array {
  return Uint8Array.from(image);
}

/** Runs `request` in the worker thread (inline if the thread is unavailable). */
export async function mergeInWorker(request: MergeRequest): Promise<MergeResult> {
  try {
    return await postMerge(request);
  } catch (error) {
    if (error instanceof WorkerUnavailable) return mergeTables(request);
    throw error;
  }
}

function postMerge(request: MergeRequest): Promise<MergeResult> {
  worker ??= startWorker();
  const target = worker;
  const id = nextId++;
  const tables = request.tables.map(owned);
  const transfer: ArrayBuffer[] = tables.map((image) => image.buffer as ArrayBuffer);
  let gc = request.gc;
  if (gc !== undefined) {
    gc = { ...gc, image: owned(gc.image) };
    transfer.push(gc.image.buffer as ArrayBuffer);
  }
  return new Promise<MergeResult>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    target.ref();
    target.postMessage({ id, request: { ...request, tables, gc } }, transfer);
  });
}
