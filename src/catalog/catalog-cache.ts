/**
 * CatalogCache: the committed catalog, shared by every session while its version is unchanged.
 *
 * - A transaction that has not changed the catalog reads the meta record (one point get) and
 *   reuses the cached Catalog when the versions match; otherwise it loads and caches it.
 * - A transaction that changed the catalog (uncommitted DDL) never uses or fills the cache: its
 *   catalog is private until commit (the session keeps it).
 */
import type { Catalog } from './catalog.js';
import { loadCatalog, readMeta } from './catalog-store.js';
import type { KvTxn } from './kv-txn.js';
import { assert } from '../util/index.js';

export class CatalogCache {
  private cached: Catalog | undefined;

  /** The catalog as `txn` sees it. */
  get(txn: KvTxn, dirty: boolean): Catalog {
    if (dirty) return loadCatalog(txn);
    const meta = readMeta(txn);
    assert(meta !== undefined, 'catalog not bootstrapped');
    const cached = this.cached;
    if (cached !== undefined && cached.version === meta.version) return cached;
    const fresh = loadCatalog(txn);
    if (cached === undefined || fresh.version > cached.version) this.cached = fresh;
    return fresh;
  }

  /** The newest catalog seen (for version checks without a transaction). */
  latest(): Catalog | undefined {
    return this.cached;
  }
}
