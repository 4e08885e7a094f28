/**
 * Session: one client connection's view of the database (SqlSession): statement preparation,
 * planning through the plan cache, execution inside implicit or explicit transactions, session
 * settings, notices and cancellation.
 *
 * - A simple-query batch without BEGIN runs as one implicit transaction, committed after its last
 *   statement; an extended-protocol statement outside a block commits when its portal completes.
 * - Any error inside a block moves it to the failed state (25P02 for every statement but
 *   ROLLBACK / COMMIT / ROLLBACK TO); outside a block it rolls the implicit transaction back.
 * - Sequence values used by a statement are persisted before its result is returned
 *   (SequenceStore.flush), so nextval is non-transactional and crash-safe; a statement that used
 *   no sequence (and left none dirty) does not wait for the store.
 * - What a statement needs from the settings (type settings, statement_timeout) is read once per
 *   settings version, not per statement.
 */
import { sqlErrorFromStackOverflow } from './stack-depth.js';
import type {
  FieldDescription,
  FormatCode,
  Portal,
  PreparedStatement,
  SessionNotification,
  SessionOptions,
  SqlDiagnostic,
  SqlSession,
  TxStatus,
} from '../session-api.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { Catalog } from '../../catalog/catalog.js';
import type { TypeContext, Value } from '../../catalog/types/sql-type.js';
import type { Transaction } from '../../mvcc/index.js';
import type { BindContext } from '../bind/bind-context.js';
import { effectiveSearchPath } from '../bind/names.js';
import { planStatement } from '../statement/plan-statement.js';
import type { StatementPlan } from '../statement/statement-plan.js';
import type { ExecContext, SequenceAccess, SettingsAccess } from '../exec/exec-context.js';
import { setConfig } from '../statement/set-show.js';
import { Settings, settingMs } from './settings.js';
import { TxnBlock, inFailedTransaction } from './txn-block.js';
import { fieldOf, SqlPrepared } from './prepared.js';
import { SqlPortal } from './portal.js';
import { PreparedRegistry } from './prepared-registry.js';
import { SessionNotifications } from './session-notifications.js';
import { bindExecute } from './execute-statement.js';
import { claimRowIn } from './autocommit-retry.js';
import type { SessionHost } from './session-host.js';
import { SessionSequences } from './session-sequences.js';
import { SessionSystemView } from './session-system.js';
import { CursorRegistry } from './cursor-registry.js';
import { SessionTypeContext, type TypeSettings } from './session-type-context.js';
import { regclassOid, typeOfOid } from '../bind/resolve.js';
import { OID } from '../../catalog/types/oids.js';
import { regObjectName } from '../bind/reg-names.js';
import { PG_EPOCH_OFFSET_US as UNIX_TO_PG_EPOCH_US } from '../bind/sql-value-functions.js';
import { ByteWriter } from '../../catalog/encoding/key-writer.js';

/** Initial size of a session's text-row arena (a few YCSB rows; it grows as needed). */
const TEXT_ROWS_BYTES = 4096;
/** Longest row the arena prints (PostgreSQL's 1 GB limit on a field; a stored row is far smaller). */
const TEXT_ROW_BYTES_MAX = 1024 * 1024 * 1024;

/** takeNotices() when there are none (shared, never written). */
const NO_NOTICES = Object.freeze([]) as unknown as SqlDiagnostic[];

export class Session implements SqlSession {
  readonly settings: Settings;
  readonly block: TxnBlock;
  readonly user: string;
  database: string;
  private notices: SqlDiagnostic[] = [];
  private cancelRequested = false;
  private statementDeadlineMs = 0;
  readonly sequenceAccess: SessionSequences;
  /** current_setting / set_config (ExecContext.settings). */
  readonly settingsAccess: SettingsAccess;
  /** pg_stat_* / pg_settings and the admin functions (ExecContext.system). */
  readonly system: SessionSystemView;
  /** DECLARE … CURSOR (cursor-registry.ts). */
  readonly cursors: CursorRegistry;
  /** Named prepared statements: Parse and PREPARE (prepared-registry.ts). */
  readonly statements: PreparedRegistry;
  /** LISTEN / NOTIFY (session-notifications.ts). */
  readonly notifications: SessionNotifications;
  /**
   * Where text rows (PhysicalPlan.openText) are printed: reset at each fetch, so a result's
   * EncodedRows are valid until the session's next execute().
   */
  readonly textRows = new ByteWriter(TEXT_ROWS_BYTES, TEXT_ROW_BYTES_MAX);
  private closed = false;

  constructor(
    readonly host: SessionHost,
    readonly options: SessionOptions,
  ) {
    const initial = new Map(options.settings);
    if (options.applicationName !== '' && !initial.has('application_name')) initial.set('application_name', options.applicationName);
    this.settings = new Settings(initial);
    this.settings.set('session_authorization', options.user, true);
    this.user = options.user;
    this.database = options.database;
    this.block = new TxnBlock(host.txnKv, this.settings);
    this.system = new SessionSystemView(this);
    this.cursors = new CursorRegistry(this.block);
    this.statements = new PreparedRegistry(options.preparedStatementsMax);
    this.notifications = new SessionNotifications(host.notifications, options.backendPid, options.database);
    this.sequenceAccess = new SessionSequences(host.sequences, () => this.currentCatalogForSequences());
    this.settingsAccess = { get: (name) => this.settings.get(name), setConfig: (name, value, local) => setConfig(this, name, value, local) };
    this.settings.takeChanges();
  }

  txStatus(): TxStatus {
    if (this.block.mode === 'block') return 'T';
    if (this.block.mode === 'failed') return 'E';
    return 'I';
  }

  prepareBatch(sql: string): PreparedStatement[] {
    const parsed = this.host.parses.parse(sql);
    if (parsed.length === 0) return [new SqlPrepared(this, sql, undefined, [], undefined)];
    return parsed.map((p, index) => new SqlPrepared(this, p.text, p.ast, [], { index, count: parsed.length }));
  }

  prepare(sql: string, paramTypeOids: readonly number[]): PreparedStatement {
    const parsed = this.host.parses.parse(sql);
    if (parsed.length > 1) throw new SqlError(SQLSTATE.syntaxError, 'cannot insert multiple commands into a prepared statement');
    const first = parsed[0];
    const p = new SqlPrepared(this, sql, first?.ast, paramTypeOids, undefined);
    if (first !== undefined && !this.isTransactionControl(p)) this.planFor(p);
    return p;
  }

  bind(statement: PreparedStatement, params: ReadonlyArray<Uint8Array | string | null>, paramFormats: readonly FormatCode[], resultFormats: readonly FormatCode[]): Portal {
    const p = statement as SqlPrepared;
    if (p.kind === 'ExecuteStmt') return bindExecute(this, p, resultFormats);
    p.executions++;
    return new SqlPortal(this, p, params, paramFormats, resultFormats);
  }

  noteError(): void {
    this.block.fail();
  }

  notice(message: string, severity: SqlDiagnostic['severity'] = 'NOTICE', code = '00000', detail?: string): void {
    // client_min_messages filters what reaches the client, as in PostgreSQL (INFO always does).
    if (severity !== 'INFO' && messageRank(severity) < messageRank(this.settings.get('client_min_messages'))) return;
    this.notices.push(detail === undefined ? { severity, code, message } : { severity, code, message, detail });
  }

  takeNotices(): SqlDiagnostic[] {
    const out = this.notices;
    if (out.length === 0) return NO_NOTICES; // asked after every statement: mostly none
    this.notices = [];
    return out;
  }

  takeParameterChanges(): Array<[name: string, value: string]> {
    return this.settings.takeChanges();
  }

  takeNotifications(): readonly SessionNotification[] {
    return this.notifications.take(this.block.txn, this.block.mode === 'block' || this.block.mode === 'failed');
  }

  onNotification(wake: () => void): void {
    this.notifications.onArrival(wake);
  }

  describeCursor(name: string): readonly FieldDescription[] | undefined {
    return this.cursors.columnsOf(name)?.map((column) => fieldOf(column, 0));
  }

  cancel(): void {
    this.cancelRequested = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.block.rollback();
    this.notifications.unlistenAllNow();
    await this.host.sequences.flush();
  }

  private cachedTypeContext: { version: number; value: TypeContext } | undefined;
  private cachedTypeSettings: { version: number; value: TypeSettings } | undefined;
  private cachedKeyPrefix: { version: number; value: string } | undefined;
  private cachedStatementTimeout = { version: -1, ms: 0 };

  /** The last statement's type context and what it was made from (autocommit statements share it). */
  private statementTypeContext: { settings: TypeSettings; catalog: Catalog; nowUs: bigint | undefined; value: TypeContext } | undefined;

  /**
   * The type settings; without an explicit catalog, cached until a setting changes; with one,
   * reused while settings, catalog and `nowUs` stay the same (the context is immutable).
   */
  typeContext(catalog?: Catalog, nowUs?: bigint): TypeContext {
    if (catalog !== undefined) {
      const settings = this.typeSettings();
      const last = this.statementTypeContext;
      if (last !== undefined && last.catalog === catalog && last.nowUs === nowUs && last.settings === settings) return last.value;
      const value = new SessionTypeContext(settings, this, catalog, nowUs);
      this.statementTypeContext = { settings, catalog, nowUs, value };
      return value;
    }
    const version = this.settings.version;
    if (this.cachedTypeContext?.version !== version) {
      this.cachedTypeContext = { version, value: new SessionTypeContext(this.typeSettings(), this, undefined, undefined) };
    }
    return this.cachedTypeContext.value;
  }

  private typeSettings(): TypeSettings {
    const s = this.settings;
    if (this.cachedTypeSettings?.version !== s.version) {
      const value = {
        timeZone: s.get('TimeZone'),
        dateStyle: s.get('DateStyle'),
        intervalStyle: s.get('IntervalStyle'),
        extraFloatDigits: Number(s.get('extra_float_digits')),
      };
      this.cachedTypeSettings = { version: s.version, value };
    }
    return this.cachedTypeSettings.value;
  }

  /** RegNameResolver: names in `catalog`, else in the catalog the session sees now. */
  regName(catalog: Catalog | undefined, typeOid: number, oid: number): string | undefined {
    const names = catalog ?? this.block.privateCatalog ?? this.host.catalogs.latest();
    if (names === undefined) return undefined;
    const searchPath = ['pg_catalog', ...effectiveSearchPath(this.settings.searchPath(), this.user)];
    return regObjectName(names, this.database, searchPath, typeOid, oid);
  }

  regOid(catalog: Catalog | undefined, typeOid: number, name: string): number | undefined {
    if (typeOid !== OID.regclass) return undefined;
    const names = catalog ?? this.block.privateCatalog ?? this.host.catalogs.latest();
    return names === undefined ? undefined : regclassOid(this.bindContext(names, [], ''), name);
  }

  isTransactionControl(p: SqlPrepared): boolean {
    return p.kind === 'TransactionStmt';
  }

  /** The catalog as the current transaction sees it. */
  catalogFor(txn: Transaction): Catalog {
    if (this.block.catalogDirty) {
      this.block.privateCatalog ??= this.host.catalogs.get(txn, true);
      return this.block.privateCatalog;
    }
    return this.host.catalogs.get(txn, false);
  }

  private currentCatalogForSequences(): Catalog {
    return this.withReadTxn((txn) => this.catalogFor(txn));
  }

  /** Runs `fn` with the session's transaction, or a short read-only one when there is none. */
  withReadTxn<T>(fn: (txn: Transaction) => T): T {
    if (this.block.txn !== undefined) return fn(this.block.txn);
    const txn = this.host.txnKv.begin({ readOnly: true });
    try {
      return fn(txn);
    } finally {
      txn.rollback();
    }
  }

  bindContext(catalog: Catalog, paramTypeOids: readonly number[], sql: string): BindContext {
    const db = catalog.database(this.database);
    if (db === undefined) throw new SqlError(SQLSTATE.invalidCatalogName, `database "${this.database}" does not exist`);
    return {
      catalog,
      databaseOid: db.oid,
      databaseName: db.name,
      searchPath: effectiveSearchPath(this.settings.searchPath(), this.user),
      user: this.user,
      typeContext: this.typeContext(),
      paramTypes: paramTypeOids.map((oid) => (oid === 0 ? undefined : typeOfOid(oid))),
      sql,
      cursorColumns: this.cursors.columnsOf,
    };
  }

  /** The statement's plan for the current catalog (from the plan cache when possible). */
  planFor(p: SqlPrepared): StatementPlan {
    // Outside a transaction, a plan made at the newest committed catalog version is still good
    // for bind (execution re-checks against its own transaction's catalog).
    const txn = this.block.txn;
    if (txn === undefined && p.plan !== undefined && p.planVersion === this.host.catalogs.latest()?.version) return p.plan;
    // Inside a transaction (a statement of a block): its catalog, without a closure per Bind.
    if (txn !== undefined) return this.planIn(p, this.catalogFor(txn));
    return this.withReadTxn((read) => this.planIn(p, this.catalogFor(read)));
  }

  /** The statement's plan for `catalog` (the catalog the current transaction sees). */
  planIn(p: SqlPrepared, catalog: Catalog): StatementPlan {
    if (p.plan !== undefined && p.planVersion === catalog.version && !this.block.catalogDirty) return p.plan;
    const key = this.cacheKey(p);
    const cacheable = !this.block.catalogDirty;
    let plan = cacheable ? this.host.plans.get(key, catalog.version) : undefined;
    if (plan === undefined) {
      try {
        plan = planStatement(this.bindContext(catalog, p.declaredParamOids, p.text), p.ast as NonNullable<SqlPrepared['ast']>);
      } catch (error) {
        throw sqlErrorFromStackOverflow(error);
      }
      if (cacheable && plan.kind !== 'utility') this.host.plans.set(key, catalog.version, plan);
    }
    if (plan !== p.plan) p.checkResultShape(plan);
    p.plan = plan;
    p.planVersion = cacheable ? catalog.version : -1;
    return plan;
  }

  private cacheKey(p: SqlPrepared): string {
    const s = this.settings;
    if (this.cachedKeyPrefix?.version !== s.version) {
      const value = [this.database, this.user, s.get('search_path'), s.get('TimeZone'), s.get('DateStyle'), s.get('IntervalStyle')].join('\u0000');
      this.cachedKeyPrefix = { version: s.version, value };
    }
    return `${this.cachedKeyPrefix.value}\u0000${p.declaredParamOids.join(',')}\u0000${p.text}`;
  }

  /** Starts a statement: checks the failed state, opens the transaction, arms the timeout. */
  startStatement(p: SqlPrepared): Transaction {
    this.cancelRequested = false;
    this.sequenceAccess.used = false;
    const timeout = this.cachedStatementTimeout;
    if (timeout.version !== this.settings.version) {
      timeout.ms = settingMs(this.settings.get('statement_timeout'));
      timeout.version = this.settings.version;
    }
    this.statementDeadlineMs = timeout.ms > 0 ? Date.now() + timeout.ms : 0;
    if (this.block.mode === 'failed') throw inFailedTransaction();
    const txn = this.block.ensure();
    txn.newStatement();
    void p;
    return txn;
  }

  /** A statement's ExecContext; `claimRow` for DML the session may re-run (autocommit-retry.ts). */
  execContext(txn: Transaction, catalog: Catalog, params: readonly Value[], claimRow?: (key: Uint8Array) => void): ExecContext {
    const startUs = this.block.startedUs === 0n ? BigInt(Date.now()) * 1000n : this.block.startedUs;
    if (startUs !== this.pgEpochStart.unixUs) this.pgEpochStart = { unixUs: startUs, pgUs: startUs - UNIX_TO_PG_EPOCH_US };
    return {
      txn,
      params,
      typeContext: this.typeContext(catalog, this.pgEpochStart.pgUs),
      catalog,
      sequences: this.sequenceAccess as SequenceAccess,
      statementStartUs: startUs,
      user: this.user,
      database: this.database,
      nextRowId: this.nextRowId,
      outerRows: [],
      subqueryCache: undefined,
      checkCancel: this.checkCancelBound,
      system: this.system,
      settings: this.settingsAccess,
      claimRow,
    };
  }

  /** The last transaction start (µs since the Unix epoch) and the same in PostgreSQL's epoch, computed once per value. */
  private pgEpochStart = { unixUs: -1n, pgUs: 0n };

  /** ExecContext's functions, made once per session rather than per statement. */
  private readonly nextRowId = (): bigint => this.host.nextRowId();
  private readonly checkCancelBound = (): void => this.checkCancel();
  /** ExecContext.claimRow for a statement of the session's transaction (autocommit-retry.ts). */
  readonly claimRow = (key: Uint8Array): void => claimRowIn(this.block.txn as Transaction, key);

  checkCancel(): void {
    if (this.cancelRequested) {
      this.cancelRequested = false;
      throw new SqlError(SQLSTATE.queryCanceled, 'canceling statement due to user request');
    }
    if (this.statementDeadlineMs > 0 && Date.now() > this.statementDeadlineMs) {
      throw new SqlError(SQLSTATE.queryCanceled, 'canceling statement due to statement timeout');
    }
  }

  /**
   * Ends a statement that succeeded: persists the sequence values it used (or any still unflushed),
   * commits an implicit transaction when due. Undefined when there is nothing to wait for.
   */
  finishStatement(p: SqlPrepared): Promise<unknown> | undefined {
    if (this.sequenceAccess.used || this.host.sequences.hasDirty()) return this.flushThenCommit(p);
    return this.commitIfDue(p);
  }

  private async flushThenCommit(p: SqlPrepared): Promise<void> {
    this.sequenceAccess.used = false;
    await this.host.sequences.flush();
    await this.commitIfDue(p);
  }

  private commitIfDue(p: SqlPrepared): Promise<boolean> | undefined {
    if (this.block.mode !== 'implicit') return undefined;
    const lastOfBatch = p.batch === undefined || p.batch.index === p.batch.count - 1;
    if (!lastOfBatch) return undefined;
    const committed = this.block.commit();
    // A transaction without writes committed at once: nothing to wait for.
    return committed instanceof Promise ? committed : undefined;
  }

  /** A statement failed: fail the block or roll back the implicit transaction. */
  failStatement(): void {
    this.block.fail();
  }
}

/** A message level's rank for client_min_messages (debug1–5 < log < notice < warning < error). */
function messageRank(level: string): number {
  const l = level.toLowerCase();
  if (l.startsWith('debug')) return 0;
  return ['log', 'notice', 'warning', 'error'].indexOf(l) + 1;
}
