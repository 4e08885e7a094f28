/**
 * A worker thread answering requests by id: the main-thread side shared by the flush and the
 * compaction workers. One thread per RequestWorker, started on first use and unref'd while idle
 * so it never keeps the process alive.
 *
 * Invariants:
 * - Under a TypeScript runner (the worker URL ends in .ts) the worker is started with tsx's loader
 *   registered in the thread (`execArgv: ['--import', 'tsx']` does not reach worker threads' ESM
 *   loader on Node 20); from dist it is the compiled .js file.
 * - The worker replies `{ id, result }` or `{ id, error }`. A failure of the thread itself (it could
 *   not start, or died) rejects every request in flight with WorkerUnavailableError, and the next
 *   request starts a new thread.
 * - release() sends buffers the main thread is done with to the thread, which drops them (a
 *   message without `request`): transferred, they leave the main isolate's external-memory count
 *   at once. Dropped in place, a job's table images (tens of MiB) counted there as garbage until a
 *   main-thread GC: V8 ran a mark-compact of the event loop's heap every few hundred ms while
 *   background jobs ran (issue 9, YCSB A: 27 mark-compacts in 15 s against 5 with no flush).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The thread itself failed (not the work it ran). */
export class WorkerUnavailableError extends Error {
  override readonly name = 'WorkerUnavailableError';
}

interface Waiter<Result> {
  readonly resolve: (result: Result) => void;
  readonly reject: (error: Error) => void;
}

interface Reply<Result> {
  readonly id: number;
  readonly result?: Result;
  readonly error?: string;
}

/** Worker source that registers tsx's loader in the thread before importing `url`. */
function tsxBootstrap(url: URL): string {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(api)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
}

export class RequestWorker<Request, Result> {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter<Result>>();

  /** `url`: the worker module; `name`: for error messages ("flush worker"). */
  constructor(
    private readonly url: URL,
    private readonly name: string,
  ) {}

  /** Sends `request` (transferring `transfer`) and resolves with the worker's result. */
  request(request: Request, transfer: readonly ArrayBuffer[]): Promise<Result> {
    this.worker ??= this.start();
    const target = this.worker;
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      target.ref();
      target.postMessage({ id, request }, [...transfer]);
    });
  }

  /**
   * Hands the buffers of `views` to the thread to drop (see the invariants): only an ArrayBuffer a
   * view spans whole and bigger than a slab of Buffer's pool (never a pool slab other Buffers
   * share), not shared and not detached. Nothing is sent while no thread runs. Never throws.
   */
  release(views: ReadonlyArray<Uint8Array | undefined>): void {
    const target = this.worker;
    if (target === undefined) return;
    const buffers = new Set<ArrayBuffer>();
    for (const view of views) {
      if (view === undefined) continue;
      const buffer = view.buffer;
      if (buffer instanceof SharedArrayBuffer || view.byteOffset !== 0 || view.byteLength !== buffer.byteLength || buffer.byteLength <= Buffer.poolSize) continue;
      buffers.add(buffer);
    }
    if (buffers.size === 0) return;
    try {
      target.postMessage({ release: buffers.size }, [...buffers]);
    } catch {
      // Best effort: a buffer that cannot be transferred stays garbage here.
    }
  }

  private start(): Worker {
    const typescript = this.url.pathname.endsWith('.ts');
    const started = typescript ? new Worker(tsxBootstrap(this.url), { eval: true }) : new Worker(this.url);
    started.on('message', (reply: Reply<Result>) => this.settle(started, reply));
    started.on('error', (error) => this.failAll(new WorkerUnavailableError(`${this.name}: ${String(error)}`)));
    started.on('exit', (code) => {
      if (this.worker === started) this.failAll(new WorkerUnavailableError(`${this.name} exited with code ${code}`));
    });
    started.unref();
    return started;
  }

  private settle(thread: Worker, reply: Reply<Result>): void {
    const waiter = this.waiting.get(reply.id);
    if (waiter === undefined) return;
    this.waiting.delete(reply.id);
    if (reply.result !== undefined) waiter.resolve(reply.result);
    else waiter.reject(new Error(`${this.name} failed: ${reply.error ?? 'unknown'}`));
    if (this.waiting.size === 0) thread.unref();
  }

  private failAll(error: Error): void {
    this.worker = undefined;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
