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
 * - A group's commits share one promise: it resolves once process() reported the group done, or
 *   rejects with the error it reported. (A group is formed as commits arrive: a commit joins the
 *   last queued group when it fits, else starts one — the same groups as taking the queue's head
 *   greedily when the group runs.)
 * - No promise, closure or async frame per group beyond the group's own promise: process()
 *   reports through one GroupOutcome (bound once), and the next group starts from that report.
 *   The first group after an idle queue starts in a microtask, so the commits of one turn share it.
 */
import { assert } from '../util/assert.js';

const RESOLVED = Promise.resolve();

export interface GroupCommitOptions {
  readonly groupCommitDelayMs: number;
  readonly groupCommitBytesMax: number;
}

/** How process() reports the end of its group: exactly one call, now or later. */
export interface GroupOutcome {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Processes one group of items; reports through `outcome` (a throw counts as reject). */
export type ProcessGroup<T> = (items: T[], outcome: GroupOutcome) => void;

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
  private head = 0;
  /** True from the first queued group until the queue is empty and nothing runs. */
  private running = false;
  /** The group (or barrier) being processed. */
  private current: QueuedGroup<T> | undefined = undefined;
  /** True inside pump(): a report made there does not start another pump. */
  private pumping = false;
  /** True while the groupCommitDelayMs timer of the next group runs. */
  private delaying = false;
  private queuedItems = 0;
  /** Number of groups processed so far (for stats and tests). */
  groups = 0;
  private readonly outcome: GroupOutcome = {
    resolve: () => this.settle(undefined, false),
    reject: (error: unknown) => this.settle(error, true),
  };
  private readonly pumpNow = (): void => this.pump();
  private readonly delayEnded = (): void => {
    this.delaying = false;
    this.pump(true);
  };

  constructor(
    private readonly process: ProcessGroup<T>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Items and barriers waiting (not yet taken by a running group). */
  get pendingCount(): number {
    let barriers = 0;
    for (let i = this.head; i < this.queue.length; i++) if ((this.queue[i] as QueuedGroup<T>).barrier !== undefined) barriers++;
    return this.queuedItems + barriers;
  }

  /**
   * Queues `item` (of about `bytes` encoded bytes); resolves once its group was processed. Items
   * of one group get the same promise.
   */
  submit(item: T, bytes: number): Promise<void> {
    const last = this.queue.length > this.head ? this.queue[this.queue.length - 1] : undefined;
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
      // A reaction of a settled promise, not queueMicrotask (which makes an AsyncResource and a bound function each time).
      void RESOLVED.then(this.pumpNow);
    }
    return group;
  }

  /** Starts queued groups until one is left in flight or the queue is empty. */
  private pump(delayed = false): void {
    if (this.pumping || this.current !== undefined || this.delaying) return;
    this.pumping = true;
    try {
      while (this.current === undefined && this.head < this.queue.length) {
        if (this.options.groupCommitDelayMs > 0 && !delayed) {
          this.delaying = true;
          setTimeout(this.delayEnded, this.options.groupCommitDelayMs);
          return;
        }
        delayed = false;
        this.start(this.take());
      }
      if (this.current === undefined) this.running = false;
    } finally {
      this.pumping = false;
    }
  }

  private take(): QueuedGroup<T> {
    const group = this.queue[this.head] as QueuedGroup<T>;
    this.queue[this.head++] = undefined as unknown as QueuedGroup<T>;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return group;
  }

  private start(group: QueuedGroup<T>): void {
    this.current = group;
    if (group.barrier !== undefined) {
      let barrierDone: Promise<void>;
      try {
        barrierDone = group.barrier();
      } catch (error) {
        this.settle(error, true);
        return;
      }
      barrierDone.then(this.outcome.resolve, this.outcome.reject);
      return;
    }
    this.queuedItems -= group.items.length;
    this.groups++;
    try {
      this.process(group.items, this.outcome);
    } catch (error) {
      this.settle(error, true);
    }
  }

  /** The current group's report: settles its promise and starts the next group. */
  private settle(error: unknown, failed: boolean): void {
    const group = this.current;
    assert(group !== undefined, 'a group outcome without a group in flight');
    this.current = undefined;
    if (failed) group.reject(error);
    else group.resolve();
    this.pump();
  }
}
