/**
 * CatalogCache: the committed catalog, shared by every session while its version is unchanged.
 *
 * - A transaction that has not changed the catalog reads the meta record (one point get) and
 *   reuses the cached Catalog when the versions match; otherwise it loads and caches it.
 * - A transaction that changed the catalog (uncommitted DDL) never uses or fills the cache: its
 *   catalog is private until commit (the session keeps it).
 */
import type { Catalog } from './catalog.js';
import { DescriptorDecodeCache, loadCatalog } from './catalog-store.js';
import { CATALOG_META_KEY } from './catalog-keys.js';
import type { KvTxn } from './kv-txn.js';
import { assert, equalBytes } from '../util/index.js';

export class CatalogCache {
  private cached: Catalog | undefined;
  /** The meta record bytes the cached catalog was loaded with (compared instead of decoded). */
  private cachedMeta: Uint8Array | undefined;
  private readonly decoded = new DescriptorDecodeCache();

  /** The catalog as `txn` sees it. */
  get(txn: KvTxn, dirty: boolean): Catalog {
    if (dirty) return loadCatalog(txn, this.decoded);
    const raw = txn.get(CATALOG_META_KEY);
    assert(raw !== undefined, 'catalog not bootstrapped');
    const cached = this.cached;
    if (cached !== undefined && this.cachedMeta !== undefined && equalBytes(raw, this.cachedMeta)) return cached;
    const fresh = loadCatalog(txn, this.decoded);
    if (cached === undefined || fresh.version > cached.version) {
      this.cached = fresh;
      this.cachedMeta = Uint8Array.from(raw);
    }
    return fresh;
  }

  /** The newest catalog seen (for version checks without a transaction). */
  latest(): Catalog | undefined {
    return this.cached;
  }
}
