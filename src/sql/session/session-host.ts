/**
 * What a session needs from its database: the transactional KV, the shared catalog and plan
 * caches, the sequence store and the hidden-row-id source. Database implements it; declaring it
 * here keeps session code free of the Database class (no import cycle).
 */
import type { TxnKv } from '../../mvcc/index.js';
import type { CatalogCache } from '../../catalog/catalog-cache.js';
import type { SequenceStore } from '../../catalog/sequence-store.js';
import type { PlanCache } from '../plan-cache.js';
import type { ParseCache } from '../parse-cache.js';
import type { ShowRows } from '../statement/show-extension.js';
import type { ServerAdmin, StorageMaintenance } from '../statement/server-admin.js';
import type { NotificationHub } from './notification-hub.js';

export interface SessionHost {
  readonly txnKv: TxnKv;
  readonly catalogs: CatalogCache;
  readonly plans: PlanCache;
  readonly parses: ParseCache;
  readonly sequences: SequenceStore;
  nextRowId(): bigint;
  /** A transaction id for txid_current(): increasing, unique within the server's run. */
  nextTransactionId(): bigint;
  /** SHOW METRICS / SHOW WAF rows, registered by the server (statement/show-extension.ts). */
  readonly showExtensions?: ReadonlyMap<string, ShowRows>;
  /** The server's sessions and signals (pg_stat_activity, pg_cancel_backend), when there is a server. */
  readonly serverAdmin?: ServerAdmin | undefined;
  /** CHECKPOINT / VACUUM / stratadb_compact(), when the store offers them. */
  readonly maintenance?: StorageMaintenance | undefined;
  /** LISTEN / NOTIFY between the database's sessions. */
  readonly notifications?: NotificationHub;
}
