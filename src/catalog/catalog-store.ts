/**
 * CatalogStore: reads and writes catalog descriptors through a transaction, so DDL commits or
 * rolls back with the statement's transaction (transactional DDL).
 *
 * - Every DDL statement bumps the meta record's version; two transactions doing DDL concurrently
 *   therefore write the same key and one of them fails with 40001 at commit (DDL is serialized).
 * - oids come from meta.nextOid in the same record, so a rolled-back DDL gives its oids back.
 * - Values are JSON; bigint fields are written as {"$big": "…"}.
 */
import { utf8, fromUtf8, prefixUpperBound, assert } from '../util/index.js';
import { Catalog, type CatalogMeta } from './catalog.js';
import { CATALOG_META_KEY, DESCRIPTOR_PREFIX, descriptorKey } from './catalog-keys.js';
import { bootstrapDescriptors } from './bootstrap.js';
import type { Descriptor } from './descriptors.js';
import { FIRST_USER_OID } from './descriptors.js';
import type { KvTxn } from './kv-txn.js';

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? { $big: value.toString() } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$big' in value) {
    return BigInt((value as { $big: string }).$big);
  }
  return value;
}

export function encodeJson(value: unknown): Uint8Array {
  return utf8(JSON.stringify(value, replacer));
}

export function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(fromUtf8(bytes), reviver) as T;
}

/** The meta record, or undefined for a store that was never bootstrapped. */
export function readMeta(txn: KvTxn): CatalogMeta | undefined {
  const raw = txn.get(CATALOG_META_KEY);
  return raw === undefined ? undefined : decodeJson<CatalogMeta>(raw);
}

/** Loads every descriptor visible to `txn`. */
export function loadCatalog(txn: KvTxn, decoded?: DescriptorDecodeCache): Catalog {
  const meta = readMeta(txn);
  assert(meta !== undefined, 'catalog not bootstrapped');
  const descriptors: Descriptor[] = [];
  const end = prefixUpperBound(DESCRIPTOR_PREFIX);
  assert(end !== undefined);
  for (const entry of txn.scan({ gte: DESCRIPTOR_PREFIX, lt: end })) {
    descriptors.push(decoded === undefined ? decodeJson<Descriptor>(entry.value) : decoded.decode(entry.value));
  }
  return new Catalog(meta, descriptors);
}

/**
 * Decoded descriptors by their stored bytes: a catalog reload after DDL decodes only the records
 * that changed (descriptors are immutable, so sharing them between catalogs is safe).
 * - Bounded to entriesMax records; cleared when full (the next load refills it).
 */
export class DescriptorDecodeCache {
  private readonly byBytes = new Map<string, Descriptor>();

  constructor(readonly entriesMax = 65536) {}

  decode(raw: Uint8Array): Descriptor {
    const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
    let d = this.byBytes.get(id);
    if (d === undefined) {
      d = decodeJson<Descriptor>(raw);
      if (this.byBytes.size >= this.entriesMax) this.byBytes.clear();
      this.byBytes.set(id, d);
    }
    return d;
  }
}

/** Writes the bootstrap catalog (postgres database, public schema, superuser) if absent. */
export function bootstrapCatalog(txn: KvTxn, superuser: string): boolean {
  if (readMeta(txn) !== undefined) return false;
  for (const d of bootstrapDescriptors(superuser)) txn.put(descriptorKey(d.oid), encodeJson(d));
  const meta: CatalogMeta = { version: 1, nextOid: FIRST_USER_OID };
  txn.put(CATALOG_META_KEY, encodeJson(meta));
  return true;
}

/**
 * A DDL statement's writer: allocates oids, writes and removes descriptors, and bumps the
 * version once when finish() is called.
 */
export class CatalogWriter {
  private meta: CatalogMeta;
  private changed = false;

  constructor(private readonly txn: KvTxn) {
    const meta = readMeta(txn);
    assert(meta !== undefined, 'catalog not bootstrapped');
    this.meta = meta;
  }

  allocateOid(): number {
    const oid = this.meta.nextOid;
    this.meta = { ...this.meta, nextOid: oid + 1 };
    this.changed = true;
    return oid;
  }

  put(d: Descriptor): void {
    this.txn.put(descriptorKey(d.oid), encodeJson(d));
    this.changed = true;
  }

  remove(oid: number): void {
    this.txn.delete(descriptorKey(oid));
    this.changed = true;
  }

  /** Writes the bumped meta record; returns the new version. */
  finish(): number {
    if (!this.changed) return this.meta.version;
    this.meta = { ...this.meta, version: this.meta.version + 1 };
    this.txn.put(CATALOG_META_KEY, encodeJson(this.meta));
    this.changed = false;
    return this.meta.version;
  }
}
