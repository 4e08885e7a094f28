/**
 * TxnBlock: one session's transaction state — none, an implicit transaction (single statement or
 * simple-query batch), an explicit block (BEGIN … COMMIT), or a failed block (25P02 until
 * ROLLBACK) — plus its savepoints and the settings to restore on rollback.
 *
 * - A failed block has already rolled its KV transaction back; only ROLLBACK (or COMMIT, which
 *   then reports ROLLBACK, or ROLLBACK TO a savepoint) leaves it.
 * - catalogDirty is true once the transaction changed the catalog: its catalog is private until
 *   commit and plans built from it are not cached.
 * - SET inside a block is undone by ROLLBACK; SET LOCAL is undone at the end of the block.
 * - COMMIT first runs the transaction's deferred foreign-key checks (fk-deferred.ts); a failure
 *   rolls the transaction back and is COMMIT's error, as in PostgreSQL.
 */
import type { BeginOptions, IsolationLevel, Transaction, TxnKv } from '../../mvcc/index.js';
import type { Catalog } from '../../catalog/catalog.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { Settings } from './settings.js';
import { runDeferredConstraintChecks } from '../exec/fk-actions.js';

export type TxnMode = 'none' | 'implicit' | 'block' | 'failed';

const ISOLATIONS: readonly IsolationLevel[] = ['read committed', 'repeatable read', 'serializable'];

/** The BeginOptions of each combination, made once (a transaction begins per autocommit statement). */
const BEGIN_OPTIONS: readonly BeginOptions[] = ISOLATIONS.flatMap((isolation) =>
  [false, true].map((readOnly) => Object.freeze({ isolation, readOnly })),
);

function beginOptions(isolation: IsolationLevel, readOnly: boolean): BeginOptions {
  const at = ISOLATIONS.indexOf(isolation);
  // An unknown level goes to TxnKv.begin as it is, to be refused there.
  if (at < 0) return { isolation, readOnly };
  return BEGIN_OPTIONS[at * 2 + (readOnly ? 1 : 0)] as BeginOptions;
}

interface Savepoint {
  readonly name: string;
  readonly id: number;
  /** nextMark() when it was made. */
  readonly mark: number;
  readonly settings: ReadonlyMap<string, string>;
}

export class TxnBlock {
  mode: TxnMode = 'none';
  txn: Transaction | undefined;
  catalogDirty = false;
  /** The private catalog of a transaction that changed it (reloaded lazily). */
  privateCatalog: Catalog | undefined;
  /** The transaction id txid_current() handed out in this transaction, if it was called. */
  txid: bigint | undefined;
  private savepoints: Savepoint[] = [];
  private settingsAtBegin: ReadonlyMap<string, string> | undefined;
  /** The last settings snapshot and the Settings.version it copies (equal versions, equal values). */
  private snapshotCache: { version: number; values: ReadonlyMap<string, string> } | undefined;
  private localSettings: Map<string, string> | undefined;
  /** Isolation / read-only requested for the next BEGIN-started transaction. */
  pendingIsolation: IsolationLevel | undefined;
  pendingReadOnly: boolean | undefined;

  constructor(
    private readonly kv: TxnKv,
    private readonly settings: Settings,
  ) {}

  /** The active transaction, starting an implicit one if there is none. */
  ensure(): Transaction {
    if (this.mode === 'failed') throw inFailedTransaction();
    if (this.txn === undefined) {
      this.txn = this.begin();
      this.mode = this.mode === 'block' ? 'block' : 'implicit';
    }
    this.statements++;
    return this.txn;
  }

  /** Start of the current transaction, µs since the Unix epoch (now(), CURRENT_TIMESTAMP). */
  startedUs = 0n;

  /** The millisecond startedUs was last computed for: statements within one ms share the bigint. */
  private startedMs = -1;

  private begin(): Transaction {
    const ms = Date.now();
    if (ms !== this.startedMs) {
      this.startedMs = ms;
      this.startedUs = BigInt(ms) * 1000n;
    }
    const defaults = this.defaults();
    const isolation = this.pendingIsolation ?? defaults.isolation;
    const readOnly = this.pendingReadOnly ?? defaults.readOnly;
    const iso: IsolationLevel = isolation === ('read uncommitted' as IsolationLevel) ? 'read committed' : isolation;
    this.settings.set('transaction_isolation', iso, true);
    return this.kv.begin(beginOptions(iso, readOnly));
  }

  private cachedDefaults = { version: -1, isolation: 'read committed' as IsolationLevel, readOnly: false };

  /** default_transaction_isolation / _read_only, read once per settings version. */
  private defaults(): { readonly isolation: IsolationLevel; readonly readOnly: boolean } {
    const cached = this.cachedDefaults;
    if (cached.version !== this.settings.version) {
      cached.isolation = this.settings.get('default_transaction_isolation') as IsolationLevel;
      cached.readOnly = this.settings.get('default_transaction_read_only') === 'on';
      cached.version = this.settings.version;
    }
    return cached;
  }

  /** BEGIN: turns the current (or next) transaction into an explicit block. */
  beginBlock(isolation: IsolationLevel | undefined, readOnly: boolean | undefined): void {
    this.pendingIsolation = isolation;
    this.pendingReadOnly = readOnly;
    if (this.txn !== undefined && isolation !== undefined && this.txn.isolation !== isolation) {
      // The implicit transaction of this batch has not read anything the block depends on yet.
      this.txn.rollback();
      this.txn = undefined;
    }
    this.mode = 'block';
    this.settingsAtBegin = this.settingsSnapshot();
    this.statements = 0;
  }

  /** Statements run in the current transaction (SET TRANSACTION must come first). */
  statements = 0;

  /** SET TRANSACTION: restarts the not-yet-used transaction with other characteristics. */
  setCharacteristics(isolation: IsolationLevel | undefined, readOnly: boolean | undefined): void {
    if (this.statements > 1) {
      throw new SqlError(SQLSTATE.activeSqlTransaction, 'SET TRANSACTION ISOLATION LEVEL must be called before any query');
    }
    if (isolation !== undefined) this.pendingIsolation = isolation;
    if (readOnly !== undefined) this.pendingReadOnly = readOnly;
    this.txn?.rollback();
    this.txn = this.begin();
  }

  /**
   * Commits (or, for a failed block, rolls back); returns whether it committed. A transaction
   * that wrote nothing commits at once and returns without a promise.
   */
  commit(): boolean | Promise<boolean> {
    const txn = this.txn;
    const failed = this.mode === 'failed';
    if (txn !== undefined && !failed) this.runDeferredChecks(txn);
    if (failed) txn?.rollback();
    this.reset(failed);
    if (txn === undefined || failed) return !failed;
    if (txn.commitIfNoWrites()) return true;
    // then(), not an async function: one promise per commit (its handlers are made once).
    return txn.commit().then(returnTrue, this.commitFailed);
  }

  /** A commit that failed (40001…) restores the settings of before the block, then fails COMMIT. */
  private readonly commitFailed = (error: unknown): never => {
    this.restoreSettings();
    throw error;
  };

  rollback(): void {
    this.txn?.rollback();
    this.reset(true);
  }

  private marks = 0;

  /** A number larger than any before it: what a savepoint (or a cursor) was made after. */
  nextMark(): number {
    return ++this.marks;
  }

  /** Called by ROLLBACK TO with the savepoint's mark: objects made after it go (cursor-registry.ts). */
  onRollbackTo: ((mark: number) => void) | undefined;

  /** Deferred foreign-key checks run before COMMIT; one that fails rolls the transaction back. */
  private runDeferredChecks(txn: Transaction): void {
    try {
      runDeferredConstraintChecks(txn);
    } catch (error) {
      this.rollback();
      throw error;
    }
  }

  /**
   * After an error: a block becomes failed (its KV transaction is kept so that ROLLBACK TO a
   * savepoint can resume it); an implicit transaction rolls back.
   */
  fail(): void {
    if (this.mode === 'block') {
      this.mode = 'failed';
      return;
    }
    if (this.mode === 'implicit') this.rollback();
  }

  savepoint(name: string): void {
    const txn = this.ensure();
    this.savepoints.push({ name, id: txn.savepoint(), mark: this.nextMark(), settings: this.settingsSnapshot() });
  }

  release(name: string): void {
    const at = this.findSavepoint(name);
    const sp = this.savepoints[at] as Savepoint;
    this.txn?.release(sp.id);
    this.savepoints.length = at;
  }

  rollbackTo(name: string): void {
    const at = this.findSavepoint(name);
    const sp = this.savepoints[at] as Savepoint;
    this.txn?.rollbackTo(sp.id);
    if (this.mode === 'failed') this.mode = 'block';
    this.savepoints.length = at + 1;
    this.onRollbackTo?.(sp.mark);
    this.settings.restore(sp.settings);
    if (this.catalogDirty) this.privateCatalog = undefined;
  }

  private findSavepoint(name: string): number {
    if (this.mode !== 'block' && this.mode !== 'failed') {
      throw new SqlError(SQLSTATE.noActiveSqlTransaction, `${'RELEASE SAVEPOINT'} can only be used in transaction blocks`);
    }
    for (let i = this.savepoints.length - 1; i >= 0; i--) if (this.savepoints[i]?.name === name) return i;
    throw new SqlError('3B001', `savepoint "${name}" does not exist`);
  }

  /**
   * A copy of the settings (to restore on rollback), shared while they do not change: restore()
   * only reads it, so a session running one BEGIN … COMMIT after another copies them once.
   */
  private settingsSnapshot(): ReadonlyMap<string, string> {
    const version = this.settings.version;
    if (this.snapshotCache?.version !== version) this.snapshotCache = { version, values: this.settings.snapshot() };
    return this.snapshotCache.values;
  }

  setLocal(name: string, previous: string): void {
    this.localSettings ??= new Map();
    if (!this.localSettings.has(name)) this.localSettings.set(name, previous);
  }

  private restoreSettings(): void {
    if (this.settingsAtBegin !== undefined) this.settings.restore(this.settingsAtBegin);
  }

  private reset(rolledBack: boolean): void {
    if (rolledBack) this.restoreSettings();
    if (this.localSettings !== undefined) for (const [n, v] of this.localSettings) this.settings.set(n, v, true);
    this.settings.set('transaction_isolation', this.defaults().isolation, true);
    this.txn = undefined;
    this.mode = 'none';
    if (this.savepoints.length > 0) this.savepoints = [];
    this.catalogDirty = false;
    this.privateCatalog = undefined;
    this.txid = undefined;
    this.settingsAtBegin = undefined;
    this.localSettings = undefined;
    this.pendingIsolation = undefined;
    this.pendingReadOnly = undefined;
    this.statements = 0;
  }
}

function returnTrue(): boolean {
  return true;
}

export function inFailedTransaction(): SqlError {
  return new SqlError(SQLSTATE.inFailedSqlTransaction, 'current transaction is aborted, commands ignored until end of transaction block');
}
