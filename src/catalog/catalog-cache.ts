/**
 * CatalogCache: the committed catalog, shared by every session while its version is unchanged.
 *
 * - A transaction that has not changed the catalog reads the meta record (one point get) and
 *   reuses the cached Catalog when the versions match; otherwise it loads and caches it.
 * - A transaction that changed the catalog (uncommitted DDL) never uses or fills the cache: its
 *   catalog is private until commit (the session keeps it).
 * - With a commit watch on the meta record (the oracle's commitTs of its newest write), a
 *   transaction skips even that read when both its readTs and the cached catalog's validation ts
 *   are at or above the watch: no catalog commit can lie between them (CommitWatch invariants).
 */
import type { Catalog } from './catalog.js';
import { DescriptorDecodeCache, loadCatalog } from './catalog-store.js';
import { CATALOG_META_KEY } from './catalog-keys.js';
import type { KvTxn } from './kv-txn.js';
import type { CommitWatch } from '../mvcc/index.js';

/** A transaction whose snapshot timestamp is known (mvcc's Transaction satisfies it). */
export interface SnapshotKvTxn extends KvTxn {
  readTs(): number;
}
import { assert, equalBytes } from '../util/index.js';

export class CatalogCache {
  private cached: Catalog | undefined;
  /** The meta record bytes the cached catalog was loaded with (compared instead of decoded). */
  private cachedMeta: Uint8Array | undefined;
  /** The newest readTs at which the cached catalog was seen to be the visible one. */
  private cachedSeenTs = -1;
  private readonly decoded = new DescriptorDecodeCache();

  constructor(private readonly watch?: CommitWatch) {}

  /** The catalog as `txn` sees it. */
  get(txn: SnapshotKvTxn, dirty: boolean): Catalog {
    if (dirty) return loadCatalog(txn, this.decoded);
    const cached = this.cached;
    const readTs = txn.readTs();
    const changedTs = this.watch?.lastCommitTs;
    if (cached !== undefined && changedTs !== undefined && readTs >= changedTs && this.cachedSeenTs >= changedTs) return cached;
    const raw = txn.get(CATALOG_META_KEY);
    assert(raw !== undefined, 'catalog not bootstrapped');
    if (cached !== undefined && this.cachedMeta !== undefined && equalBytes(raw, this.cachedMeta)) {
      if (readTs > this.cachedSeenTs) this.cachedSeenTs = readTs;
      return cached;
    }
    const fresh = loadCatalog(txn, this.decoded);
    if (cached === undefined || fresh.version > cached.version) {
      this.cached = fresh;
      this.cachedMeta = Uint8Array.from(raw);
      this.cachedSeenTs = readTs;
    }
    return fresh;
  }

  /** The newest catalog seen (for version checks without a transaction). */
  latest(): Catalog | undefined {
    return this.cached;
  }
}
