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
