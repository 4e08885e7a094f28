/**
 * DdlContext: what a DDL statement works with — the transaction it writes through, the catalog
 * as that transaction sees it, a CatalogWriter (oids, descriptor writes, the version bump), the
 * bind context for expressions, and a sink for NOTICEs ("… already exists, skipping").
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { CatalogWriter } from '../../catalog/catalog-store.js';
import type { KvTxn } from '../../catalog/kv-txn.js';
import type { BindContext } from '../bind/bind-context.js';
import type { SequenceStore } from '../../catalog/sequence-store.js';
import type { RowIdSource } from './validate-constraints.js';

export interface DdlContext {
  readonly txn: KvTxn;
  readonly catalog: Catalog;
  readonly writer: CatalogWriter;
  readonly bind: BindContext;
  readonly userOid: number;
  notice(message: string, detail?: string): void;
  /** Whether the statement runs inside an explicit transaction block (CREATE DATABASE refuses). */
  readonly inBlock: boolean;
  readonly rowIds: RowIdSource;
  readonly sequences: SequenceStore;
  /** The session's current database name (DROP DATABASE refuses it). */
  readonly databaseName: string;
}
