/**
 * Commit-group processing (DESIGN.md, Data path): what GroupCommit runs for each group — append
 * the group's values to the value log and its commit records (one framed group record) to the
 * commit log, make both durable, apply the group to the mutable memtable and advance visibleTs;
 * between groups, freeze the memtable and rotate the commit log. Owns the mutable memtable.
 *
 * Invariants:
 * - A group resolves only after its value-log records and its commit record are fsynced (sync
 *   'full': both logs concurrently), and after it is applied to the memtable with visibleTs
 *   advanced to it. 'relaxed': the values are synced before the records are appended.
 * - visibleTs only advances, group by group in commitTs order: a read at visibleTs is stable.
 * - A write or file creation that finds no space (errors.ts isSpaceError) fails only its group:
 *   its partial appends are cut back (append-rollback.ts), nothing of it reaches the memtable, and
 *   the next group tries again. Any other failure is sticky (host.fail).
 * - The memtable is frozen and the commit log rotated only between groups, so every record of a
 *   frozen memtable lies below the checkpoint its flush installs.
 * - Per memtable, a floor: no pointer in it names a value-log segment below it (vlog-gc.ts).
 * - The common group (no stall due, no value-log rotation, and sync 'full' or no separated value)
 *   takes the same steps synchronously up to the fsyncs, then one reaction per fsync (bound once);
 *   every other group runs processAsync(). Both report through GroupCommit's GroupOutcome.
 */
import { assert } from '../util/assert.js';
import { addCommitEntries, type Write } from './commit-batch.js';
import type { CommitLog } from './commit-log.js';
import { CommitGroupBuffer } from './commit-group.js';
import type { Compactor } from './compactor.js';
import type { DiskFullState } from './disk-full-state.js';
import { isSpaceError } from './errors.js';
import type { Flusher } from './flusher.js';
import type { GroupOutcome } from './group-commit.js';
import type { Manifest } from './manifest.js';
import { Memtable } from './memtable.js';
import type { ResolvedOptions } from './options.js';
import type { ValueLog } from './value-log.js';

/** One commit waiting in a group. */
export interface PendingCommit {
  readonly ts: number;
  readonly writes: readonly Write[];
}

/** What group processing needs from the engine. */
export interface CommitGroupHost {
  readonly options: ResolvedOptions;
  readonly manifest: Manifest;
  readonly vlog: ValueLog;
  readonly commitLog: CommitLog;
  readonly flusher: Flusher;
  readonly compactor: Compactor;
  readonly diskFull: DiskFullState;
  /** Throws if the engine is closed or failed. */
  checkNotFailed(): void;
  /** True once the engine failed (sticky). */
  failed(): boolean;
  /** Records a sticky failure; returns it as an Error. */
  fail(error: unknown): Error;
}

/** True when some value of the group goes to the value log. */
function needsValueLog(items: readonly PendingCommit[], threshold: number): boolean {
  for (const item of items) {
    for (const write of item.writes) if (write.value !== undefined && write.value.length >= threshold) return true;
  }
  return false;
}

export class CommitGroupProcessor {
  /** The mutable memtable (frozen ones belong to the flusher). */
  memtable: Memtable;
  /** The newest commitTs applied to the memtable (see the invariants). */
  visibleTs: number;
  private readonly floors = new WeakMap<Memtable, number>();
  /**
   * vlog.bytesWritten when the mutable memtable started. A memtable is frozen once it covers a
   * whole segment's worth of values too, so segments become GC-eligible (below every memtable's
   * floor) even when small pointers never fill the memtable.
   */
  private memtableVlogStart = 0;
  /** The entries of the group being processed (groups never overlap), reused from group to group. */
  private readonly group = new CommitGroupBuffer();
  /** The fast path's group in flight: its report, and its fsyncs not yet settled (see process()). */
  private outcome: GroupOutcome | undefined = undefined;
  /** When the group being processed started its appends (after any stall): the governor's commit watch. */
  private groupStartMs = 0;
  private syncsPending = 0;
  private syncedVlog = false;
  private syncFailed = false;
  private syncError: unknown = undefined;
  /** Reactions to the fast path's fsyncs, bound once (no closure per group). */
  private readonly synced = (): void => {
    if (--this.syncsPending === 0) this.syncsSettled();
  };
  private readonly syncRejected = (error: unknown): void => {
    if (!this.syncFailed) {
      this.syncFailed = true;
      this.syncError = error;
    }
    if (--this.syncsPending === 0) this.syncsSettled();
  };

  constructor(
    private readonly host: CommitGroupHost,
    memtable: Memtable,
    lastTs: number,
  ) {
    this.memtable = memtable;
    this.visibleTs = lastTs;
    this.floors.set(memtable, memtable.count > 0 ? 0 : host.manifest.state.nextFileNumber);
  }

  /** The lowest value-log segment a live memtable (mutable or frozen) may point into. */
  segmentFloor(): number {
    let floor = this.floors.get(this.memtable) ?? 0;
    for (const frozen of this.host.flusher.frozen) floor = Math.min(floor, this.floors.get(frozen.memtable) ?? 0);
    return floor;
  }

  /**
   * Processes one group (GroupCommit's callback; see the module invariants) and reports through
   * `outcome`. The common case — no stall due, no value-log rotation, sync 'full' or no separated
   * value — runs without an async frame: both appends now, then one reaction per fsync (bound
   * once) that applies the group and reports. Everything else takes processAsync().
   */
  process(items: PendingCommit[], outcome: GroupOutcome): void {
    const host = this.host;
    host.checkNotFailed();
    const { valueThreshold, sync } = host.options;
    const vlogNeeded = valueThreshold !== Infinity && needsValueLog(items, valueThreshold);
    if (!host.flusher.hasRoom() || this.l0MayStall() || (vlogNeeded && (sync !== 'full' || host.vlog.needsRotation()))) {
      this.processAsync(items).then(outcome.resolve, outcome.reject);
      return;
    }
    this.outcome = outcome;
    this.groupStartMs = performance.now();
    let vlogDirty = false;
    try {
      vlogDirty = this.append(items);
      if (sync !== 'full') {
        this.finishGroup();
        return;
      }
      this.syncsPending = vlogDirty ? 2 : 1;
      this.syncedVlog = vlogDirty;
      if (vlogDirty) host.vlog.startSync().then(this.synced, this.syncRejected);
      host.commitLog.startSync().then(this.synced, this.syncRejected);
    } catch (error) {
      // Only before any sync started (the appends): the group's partial appends are cut back.
      this.failFast(error);
    }
  }

  /** True when the compactor may delay this group (Compactor.waitForL0Room would not return at once). */
  private l0MayStall(): boolean {
    return (this.host.flusher.version.levels[0]?.length ?? 0) >= this.host.options.l0SlowdownTrigger;
  }

  /** Appends the group's values and records (this.group) to the OS, not yet durable; true when values went to the value log. */
  private append(items: readonly PendingCommit[]): boolean {
    const vlogDirty = this.stage(items);
    if (vlogDirty) this.host.vlog.write();
    this.host.commitLog.appendRecord(this.group.encodeRecord());
    return vlogDirty;
  }

  /** Adds the group's entries to this.group, staging its separated values; true when there were some. */
  private stage(items: readonly PendingCommit[]): boolean {
    const { options, vlog } = this.host;
    const threshold = options.valueThreshold;
    const vlogBefore = vlog.bytesWritten;
    const group = this.group;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as PendingCommit;
      addCommitEntries(item.writes, threshold, vlog, group);
      group.endCommit(item.ts);
    }
    return vlog.bytesWritten !== vlogBefore;
  }

  /** Both fsyncs of the fast path settled (the last reaction calls it). */
  private syncsSettled(): void {
    const { syncFailed, syncError } = this;
    this.syncFailed = false;
    this.syncError = undefined;
    try {
      if (syncFailed) throw syncError;
      if (this.syncedVlog) this.host.vlog.afterSync();
      this.host.commitLog.afterSync();
    } catch (error) {
      this.failFast(error);
      return;
    }
    this.finishGroup();
  }

  /** The fast path's group failed: as processAsync's failure (failGroup), then reported. */
  private failFast(error: unknown): void {
    const outcome = this.outcome as GroupOutcome;
    this.outcome = undefined;
    this.group.reset();
    this.failGroup(error).then(outcome.reject, outcome.reject);
  }

  /** The fast path's group is durable: applies it, then reports (after a rotation when one is due). */
  private finishGroup(): void {
    const outcome = this.outcome as GroupOutcome;
    this.outcome = undefined;
    try {
      this.apply();
    } finally {
      this.group.reset();
    }
    const rotation = this.afterGroup();
    if (rotation === undefined) outcome.resolve();
    else rotation.then(outcome.resolve, outcome.resolve);
  }

  /** The group's slow path: waits for stalls and a value-log rotation (see process()). */
  private async processAsync(items: PendingCommit[]): Promise<void> {
    const host = this.host;
    await host.flusher.waitForRoom();
    await host.compactor.waitForL0Room();
    host.checkNotFailed();
    this.groupStartMs = performance.now();
    try {
      try {
        await this.appendDurably(items);
      } catch (error) {
        throw await this.failGroup(error);
      }
      this.apply();
    } finally {
      this.group.reset();
    }
    await this.afterGroup();
  }

  /**
   * After a durable, applied group: leaves the disk-full state, and freezes the memtable or
   * rotates the commit log when due (the promise then; undefined when nothing is due).
   */
  private afterGroup(): Promise<void> | undefined {
    const host = this.host;
    if (host.diskFull.active) {
      // Space is back (this group's appends fit): retry paused background work now.
      host.diskFull.leave('commit');
      host.flusher.retryNow();
      host.compactor.retryNow();
    }
    const { memtableBytesMax, vlogSegmentBytesMax, commitLogSegmentBytesMax } = host.options;
    const freeze = this.memtable.approximateBytes >= memtableBytesMax || host.vlog.bytesWritten - this.memtableVlogStart >= vlogSegmentBytesMax;
    if (!freeze && host.commitLog.activeBytes < commitLogSegmentBytesMax) return undefined;
    return this.rotateAfterGroup(freeze);
  }

  /**
   * The group is durable and visible now: a failure to rotate fails the engine (sticky, through
   * fail()) for later writes, or (no space) leaves the memtable unfrozen until a later group
   * rotates, but must not reject these acknowledged-worthy commits.
   */
  private async rotateAfterGroup(freeze: boolean): Promise<void> {
    try {
      if (freeze) await this.freeze();
      else await this.rotateLog();
    } catch (error) {
      assert(this.host.failed() || isSpaceError(error), 'a rotation failure is a space error or recorded by fail()');
    }
  }

  /** Between groups: freezes a non-empty memtable, rotates the commit log, schedules its flush. */
  async freeze(): Promise<void> {
    const host = this.host;
    if (this.memtable.count === 0 || host.failed()) return;
    const checkpoint = await this.rotateLog();
    host.flusher.enqueue(this.memtable, checkpoint);
    this.memtable = new Memtable();
    this.floors.set(this.memtable, host.vlog.appendableSegment ?? host.manifest.state.nextFileNumber);
    this.memtableVlogStart = host.vlog.bytesWritten;
  }

  /** Syncs the value log, then the commit log (sync 'relaxed', and on close). */
  async syncLogs(): Promise<void> {
    await this.host.vlog.sync();
    await this.host.commitLog.sync();
  }

  /** Appends the group's values and records (this.group) and makes them durable. */
  private async appendDurably(items: readonly PendingCommit[]): Promise<void> {
    const { options, vlog, commitLog } = this.host;
    const threshold = options.valueThreshold;
    if (threshold !== Infinity && needsValueLog(items, threshold)) await vlog.rotateIfFull();
    const vlogDirty = this.stage(items);
    const full = options.sync === 'full';
    // 'full': both logs sync concurrently, acked after both (recovery drops a commit whose values
    // did not become durable: recovery-tail-check.ts). 'relaxed': values are synced first.
    if (vlogDirty && full) vlog.write();
    else if (vlogDirty) await vlog.sync();
    commitLog.appendRecord(this.group.encodeRecord());
    if (full) await (vlogDirty ? Promise.all([vlog.sync(), commitLog.sync()]) : commitLog.sync());
  }

  /** Applies the durable group to the memtable, commit by commit, advancing visibleTs. */
  private apply(): void {
    // The group is durable: its append-to-durable latency feeds the governor's commit watch.
    this.host.compactor.recordCommitUs((performance.now() - this.groupStartMs) * 1000);
    const memtable = this.memtable;
    const { keys, kinds, values, tss, ends, commitCount } = this.group;
    for (let c = 0, i = 0; c < commitCount; c++) {
      const ts = tss[c] as number;
      for (const end = ends[c] as number; i < end; i++) memtable.add(keys[i] as Uint8Array, ts, kinds[i] as number, values[i] as Uint8Array);
      this.visibleTs = ts;
    }
  }

  /** Between groups: starts a new commit-log segment (the current one synced); returns its number. */
  private async rotateLog(): Promise<number> {
    const host = this.host;
    try {
      if (host.options.sync === 'relaxed') await this.syncLogs();
      const segment = await host.commitLog.rotate();
      host.flusher.addLogSegment(segment);
      host.diskFull.leave('commit-log rotation');
      return segment;
    } catch (error) {
      // A segment that cannot be created for lack of space leaves the active one in use.
      if (isSpaceError(error)) {
        host.diskFull.enter(error, 'commit-log rotation');
        throw error;
      }
      throw host.fail(error);
    }
  }

  /**
   * A group failed. For lack of space (see the invariants) its partial appends are cut back and
   * the engine keeps serving; anything else — a failed cut included — is sticky.
   */
  private async failGroup(error: unknown): Promise<Error> {
    const host = this.host;
    if (!isSpaceError(error)) return host.fail(error);
    try {
      await host.vlog.cutBack();
      await host.commitLog.cutBack();
    } catch (cutError) {
      return host.fail(cutError);
    }
    host.diskFull.enter(error, 'commit');
    return error;
  }
}
