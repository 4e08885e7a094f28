/**
 * PlanCache: statement plans keyed by everything that changes how a statement binds — database,
 * user, search_path, the type settings that literals are converted under, declared parameter
 * types, and the SQL text — and tagged with the catalog version they were planned at. A lookup
 * with another catalog version misses (DDL invalidates by bumping the version).
 *
 * - Bounded: at most entriesMax plans; the least recently used is evicted (Map order).
 * - Only plans built from committed catalogs are stored (TxnBlock.catalogDirty plans are private).
 */
import type { StatementPlan } from './statement/statement-plan.js';

export const PLAN_CACHE_ENTRIES_MAX_DEFAULT = 1024;

export class PlanCache {
  private readonly entries = new Map<string, { version: number; plan: StatementPlan }>();
  hits = 0;
  misses = 0;

  constructor(readonly entriesMax: number = PLAN_CACHE_ENTRIES_MAX_DEFAULT) {}

  get(key: string, version: number): StatementPlan | undefined {
    const e = this.entries.get(key);
    if (e === undefined || e.version !== version) {
      this.misses++;
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, e);
    this.hits++;
    return e.plan;
  }

  set(key: string, version: number, plan: StatementPlan): void {
    if (this.entriesMax === 0) return;
    this.entries.delete(key);
    this.entries.set(key, { version, plan });
    while (this.entries.size > this.entriesMax) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
