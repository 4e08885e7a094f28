/**
 * The main-thread side of the flush worker: one worker thread per process, shared by every open
 * engine, started on first use and unref'd so it never keeps the process alive.
 *
 * Invariants:
 * - Under a TypeScript runner (this file's URL ends in .ts) the worker is the .ts source started
 *   with tsx's loader registered in the worker; from dist it is the compiled .js.
 * - Requests are answered by id; a worker crash rejects every request in flight and the next
 *   request starts a new worker.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BuiltTable } from './flush-build.js';
import type { TableBuilderOptions } from './table-builder.js';

interface Waiter {
  readonly resolve: (built: BuiltTable) => void;
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

/**
 * Worker source that registers tsx's loader in the worker thread before importing `url`
 * (`execArgv: ['--import', 'tsx']` does not reach worker threads' ESM loader on Node 20).
 */
function tsxBootstrap(url: URL): string {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(api)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
}

function startWorker(): Worker {
  const typescript = import.meta.url.endsWith('.ts');
  const url = new URL(typescript ? './flush-worker.ts' : './flush-worker.js', import.meta.url);
  const started = typescript ? new Worker(tsxBootstrap(url), { eval: true }) : new Worker(url);
  started.on('message', (reply: { id: number; built?: BuiltTable; error?: string }) => {
    const waiter = waiting.get(reply.id);
    if (waiter === undefined) return;
    waiting.delete(reply.id);
    if (reply.built !== undefined) waiter.resolve(reply.built);
    else waiter.reject(new Error(`flush worker failed: ${reply.error ?? 'unknown'}`));
    if (waiting.size === 0) started.unref();
  });
  started.on('error', (error) => failAll(error));
  started.on('exit', (code) => {
    if (worker === started) failAll(new Error(`flush worker exited with code ${code}`));
  });
  started.unref();
  return started;
}

/** Builds a table from a serialized payload in the worker thread (the payload is transferred). */
export function buildTableInWorker(payload: Uint8Array, options: TableBuilderOptions): Promise<BuiltTable> {
  worker ??= startWorker();
  const target = worker;
  const id = nextId++;
  const owned = payload.byteOffset === 0 && payload.byteLength === payload.buffer.byteLength ? payload : Uint8Array.from(payload);
  return new Promise<BuiltTable>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    target.ref();
    target.postMessage({ id, payload: owned, options }, [owned.buffer as ArrayBuffer]);
  });
}
