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
 * - A group's commits share one promise: it resolves after process() resolved, or rejects. (A
 *   group is formed as commits arrive: a commit joins the last queued group when it fits, else
 *   starts one — the same groups as taking the queue's head greedily when the group runs.)
 */
import { assert } from '../util/assert.js';

export interface GroupCommitOptions {
  readonly groupCommitDelayMs: number;
  readonly groupCommitBytesMax: number;
}

/** A queued group of items, or a barrier (no items). */
class QueuedGroup<T> {
  readonly items: T[] = [];
  bytes = 0;
  readonly done: Promise<void>;
  resolve!: () => void;
  reject!: (error: unknown) => void;

  constructor(readonly barrier: (() => Promise<void>) | undefined) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

export class GroupCommit<T> {
  /** Groups not yet taken, oldest first; only the last may still grow. */
  private queue: Array<QueuedGroup<T>> = [];
  private running = false;
  private queuedItems = 0;
  /** Number of groups processed so far (for stats and tests). */
  groups = 0;

  constructor(
    private readonly process: (items: T[]) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Items and barriers waiting (not yet taken by a running group). */
  get pendingCount(): number {
    let barriers = 0;
    for (const group of this.queue) if (group.barrier !== undefined) barriers++;
    return this.queuedItems + barriers;
  }

  /**
   * Queues `item` (of about `bytes` encoded bytes); resolves once its group was processed. Items
   * of one group get the same promise.
   */
  submit(item: T, bytes: number): Promise<void> {
    const last = this.queue[this.queue.length - 1];
    let group: QueuedGroup<T>;
    if (last !== undefined && last.barrier === undefined && last.bytes + bytes <= this.options.groupCommitBytesMax) group = last;
    else group = this.enqueue(undefined);
    group.items.push(item);
    group.bytes += bytes;
    this.queuedItems++;
    return group.done;
  }

  /** Runs `fn` alone after every earlier submission was processed. */
  barrier(fn: () => Promise<void>): Promise<void> {
    return this.enqueue(fn).done;
  }

  private enqueue(barrier: (() => Promise<void>) | undefined): QueuedGroup<T> {
    const group = new QueuedGroup<T>(barrier);
    this.queue.push(group);
    if (!this.running) {
      this.running = true;
      queueMicrotask(() => void this.drain());
    }
    return group;
  }

  private async drain(): Promise<void> {
    assert(this.running, 'drain without running flag');
    while (this.queue.length > 0) {
      if (this.options.groupCommitDelayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.options.groupCommitDelayMs));
      }
      const group = this.queue.shift() as QueuedGroup<T>;
      if (group.barrier !== undefined) {
        await group.barrier().then(group.resolve, group.reject);
        continue;
      }
      this.queuedItems -= group.items.length;
      this.groups++;
      try {
        await this.process(group.items);
        group.resolve();
      } catch (error) {
        group.reject(error);
      }
    }
    this.running = false;
  }
}
