/**
 * Group commit: a queue that hands the commits waiting together to one `process` call, so they
 * share one append and one fsync per file (DESIGN.md, Data path).
 *
 * Invariants:
 * - Items are processed in submission order (= commitTs order); groups never run concurrently.
 * - Commits submitted while a group is in flight join the next group (up to groupBytesMax bytes;
 *   a single larger commit still forms a group alone).
 * - A barrier runs alone, between groups, once everything submitted before it has been processed
 *   (used to freeze the memtable and rotate the commit log at a clean boundary).
 * - A group's promises settle together: all resolve after process() resolved, or all reject.
 */
import { assert } from '../util/assert.js';

interface Pending<T> {
  readonly item: T | undefined;
  readonly barrier: (() => Promise<void>) | undefined;
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  readonly groupCommitDelayMs: number;
  readonly groupCommitBytesMax: number;
}

export class GroupCommit<T> {
  private queue: Array<Pending<T>> = [];
  private running = false;
  /** Number of groups processed so far (for stats and tests). */
  groups = 0;

  constructor(
    private readonly process: (items: T[]) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

  get pendingCount(): number {
    return this.queue.length;
  }

  /** Queues `item` (of about `bytes` encoded bytes); resolves once its group was processed. */
  submit(item: T, bytes: number): Promise<void> {
    return this.enqueue(item, undefined, bytes);
  }

  /** Runs `fn` alone after every earlier submission was processed. */
  barrier(fn: () => Promise<void>): Promise<void> {
    return this.enqueue(undefined, fn, 0);
  }

  private enqueue(item: T | undefined, barrier: (() => Promise<void>) | undefined, bytes: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, barrier, bytes, resolve, reject });
      if (!this.running) {
        this.running = true;
        queueMicrotask(() => void this.drain());
      }
    });
  }

  private takeGroup(): Array<Pending<T>> {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length) {
      const next = this.queue[count] as Pending<T>;
      if (next.barrier !== undefined) break;
      if (count > 0 && bytes + next.bytes > this.options.groupCommitBytesMax) break;
      bytes += next.bytes;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async drain(): Promise<void> {
    assert(this.running, 'drain without running flag');
    while (this.queue.length > 0) {
      if (this.options.groupCommitDelayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.options.groupCommitDelayMs));
      }
      const head = this.queue[0] as Pending<T>;
      if (head.barrier !== undefined) {
        this.queue.shift();
        await head.barrier().then(head.resolve, head.reject);
        continue;
      }
      const group = this.takeGroup();
      this.groups++;
      try {
        await this.process(group.map((pending) => pending.item as T));
        for (const pending of group) pending.resolve();
      } catch (error) {
        for (const pending of group) pending.reject(error);
      }
    }
    this.running = false;
  }
}
