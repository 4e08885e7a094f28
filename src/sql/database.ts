/**
 * Database: the SQL engine over a VersionedKv (the storage engine, or MemoryVersionedKv in
 * tests) — what the wire server serves (SqlDatabase) and the embedded API (db.query()).
 *
 * - open() loads the parser, bootstraps the catalog on a fresh store (the `postgres` database,
 *   its `public` schema, the bootstrap superuser) and is then ready; every later read of the
 *   catalog goes through transactions (catalog-cache.ts).
 * - One Database per store per process: the sequence store and the plan cache are in memory.
 * - Hidden row ids are increasing across restarts: microseconds of wall-clock time, bumped past
 *   the last one handed out.
 */
import { TxnKv, type TxnKvOptions, type VersionedKv } from '../mvcc/index.js';
import { CatalogCache } from '../catalog/catalog-cache.js';
import { CATALOG_META_KEY } from '../catalog/catalog-keys.js';
import { bootstrapCatalog } from '../catalog/catalog-store.js';
import { SequenceStore } from '../catalog/sequence-store.js';
import { SqlError, SQLSTATE } from '../util/index.js';
import { loadParser } from './parse.js';
import { PlanCache, PLAN_CACHE_ENTRIES_MAX_DEFAULT } from './plan-cache.js';
import { ParseCache } from './parse-cache.js';
import type { RoleAuth, SessionOptions, SqlDatabase, SqlSession } from './session-api.js';
import { Session } from './session/session.js';
import type { SessionHost } from './session/session-host.js';
import { NotificationHub } from './session/notification-hub.js';
import type { ShowRows } from './statement/show-extension.js';
import { storageMaintenanceOf, type ServerAdmin, type StorageMaintenance } from './statement/server-admin.js';
import { EmbeddedSession, type QueryResult } from './embedded.js';

export interface DatabaseOptions {
  /** Name of the bootstrap superuser on a fresh store (default 'postgres'). */
  readonly superuser?: string;
  /** Plans kept in the plan cache (default 1024; 0 disables caching). */
  readonly planCacheEntriesMax?: number;
  readonly txnKv?: TxnKvOptions;
}

export class Database implements SqlDatabase, SessionHost {
  readonly catalogs: CatalogCache;
  readonly plans: PlanCache;
  readonly parses: ParseCache;
  readonly sequences: SequenceStore;
  /** Rows of SHOW METRICS / SHOW WAF, registered by the server (statement/show-extension.ts). */
  readonly showExtensions = new Map<string, ShowRows>();
  /** The server's sessions and signals, registered by the server (statement/server-admin.ts). */
  serverAdmin: ServerAdmin | undefined;
  /** The store's maintenance operations (CHECKPOINT, VACUUM), when it has them. */
  maintenance: StorageMaintenance | undefined;
  /** LISTEN / NOTIFY between sessions. */
  readonly notifications = new NotificationHub();
  private lastRowId = 0n;
  private lastTxid = 0n;
  private embedded: EmbeddedSession | undefined;
  private backendPid = 1;

  private constructor(
    readonly txnKv: TxnKv,
    options: DatabaseOptions,
  ) {
    const entries = options.planCacheEntriesMax ?? PLAN_CACHE_ENTRIES_MAX_DEFAULT;
    if (!Number.isInteger(entries) || entries < 0) throw new SqlError(SQLSTATE.invalidParameterValue, 'planCacheEntriesMax must be a non-negative integer');
    this.catalogs = new CatalogCache(txnKv.watchCommits(CATALOG_META_KEY));
    this.plans = new PlanCache(entries);
    this.parses = new ParseCache(entries);
    this.sequences = new SequenceStore(txnKv);
  }

  static async open(kv: VersionedKv, options: DatabaseOptions = {}): Promise<Database> {
    await loadParser();
    const txnKv = new TxnKv(kv, options.txnKv);
    const db = new Database(txnKv, options);
    db.maintenance = storageMaintenanceOf(kv);
    const txn = txnKv.begin();
    if (bootstrapCatalog(txn, options.superuser ?? 'postgres')) await txn.commit();
    else txn.rollback();
    return db;
  }

  nextTransactionId(): bigint {
    // Above every commit timestamp so far, so ids keep increasing across a restart as far as the
    // store's timestamps do (PostgreSQL persists its next xid; we have no separate counter).
    const floor = BigInt(this.txnKv.lastCommitTs());
    this.lastTxid = this.lastTxid > floor ? this.lastTxid + 1n : floor + 1n;
    return this.lastTxid;
  }

  nextRowId(): bigint {
    const now = BigInt(Date.now()) * 1000n;
    this.lastRowId = now > this.lastRowId ? now : this.lastRowId + 1n;
    return this.lastRowId;
  }

  private readCatalog<T>(fn: (catalog: ReturnType<CatalogCache['get']>) => T): T {
    const txn = this.txnKv.begin({ readOnly: true });
    try {
      return fn(this.catalogs.get(txn, false));
    } finally {
      txn.rollback();
    }
  }

  role(name: string): RoleAuth | undefined {
    return this.readCatalog((c) => {
      const r = c.role(name);
      return r === undefined ? undefined : { name: r.name, canLogin: r.canLogin, superuser: r.superuser, password: r.password };
    });
  }

  hasDatabase(name: string): boolean {
    return this.readCatalog((c) => c.database(name) !== undefined);
  }

  startupParameters(options: SessionOptions): Array<[name: string, value: string]> {
    const superuser = this.role(options.user)?.superuser ?? false;
    const session = new Session(this, options);
    session.settings.set('is_superuser', superuser ? 'on' : 'off', true);
    return session.settings.reportedValues();
  }

  openSession(options: SessionOptions): SqlSession {
    const session = new Session(this, options);
    const superuser = this.role(options.user)?.superuser ?? false;
    session.settings.set('is_superuser', superuser ? 'on' : 'off', true);
    session.takeParameterChanges();
    return session;
  }

  /** Embedded API: runs SQL in this process (one shared session), PGlite-style. */
  async query(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    this.embedded ??= new EmbeddedSession(
      new Session(this, { user: 'postgres', database: 'postgres', applicationName: '', backendPid: this.backendPid++, settings: new Map() }),
    );
    return this.embedded.query(sql, params);
  }

  /** Runs several statements (no parameters) and returns each one's result. */
  async exec(sql: string): Promise<QueryResult[]> {
    await this.query('SELECT 1');
    return (this.embedded as EmbeddedSession).exec(sql);
  }

  async close(): Promise<void> {
    await this.embedded?.close();
    await this.sequences.flush();
    await this.txnKv.close();
  }
}
