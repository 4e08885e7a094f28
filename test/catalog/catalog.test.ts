/**
 * Catalog layer: key layout (prefix-free, order-preserving table ids, clear of the catalog and
 * TTL prefixes), descriptors through transactions (bootstrap, rollback leaves no trace, the
 * version bump), the shared catalog cache, PostgreSQL-format password verifiers, and the
 * non-transactional, crash-safe sequence store.
 */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv, TxnKv, TTL_KEY_PREFIX } from '../../src/mvcc/index.js';
import { CatalogWriter, bootstrapCatalog, loadCatalog, readMeta } from '../../src/catalog/catalog-store.js';
import { CatalogCache } from '../../src/catalog/catalog-cache.js';
import { indexPrefix, tablePrefix, descriptorKey, CATALOG_META_KEY } from '../../src/catalog/catalog-keys.js';
import { md5Verifier, passwordVerifier, scramVerifier } from '../../src/catalog/role-verifier.js';
import { SequenceStore } from '../../src/catalog/sequence-store.js';
import type { SequenceDesc } from '../../src/catalog/descriptors.js';
import { compareBytes } from '../../src/util/index.js';

describe('catalog keys', () => {
  it('table prefixes are ordered, prefix-free and never collide with reserved prefixes', () => {
    const ids = [16384, 16385, 65535, 65536, 1_000_000, 16_777_215, 16_777_216, 2 ** 31];
    const prefixes = ids.map((id) => tablePrefix(id));
    for (let i = 1; i < prefixes.length; i++) expect(compareBytes(prefixes[i - 1] as Uint8Array, prefixes[i] as Uint8Array)).toBeLessThan(0);
    for (const a of prefixes) {
      expect(a[0]).not.toBe(0x00);
      expect(a[0]).not.toBe(TTL_KEY_PREFIX[0]);
      for (const b of prefixes) if (a !== b) expect(Buffer.from(b).subarray(0, a.length).equals(Buffer.from(a))).toBe(false);
    }
    expect(indexPrefix(16384, 1)).toEqual(Uint8Array.of(2, 0x40, 0x00, 1));
    expect(descriptorKey(16384).subarray(0, 2)).toEqual(Uint8Array.of(0, 1));
    expect(CATALOG_META_KEY).toEqual(Uint8Array.of(0, 0));
  });
});

describe('catalog store', () => {
  it('bootstraps once, and a rolled-back writer leaves no trace', async () => {
    const kv = new TxnKv(new MemoryVersionedKv());
    const t1 = kv.begin();
    expect(bootstrapCatalog(t1, 'admin')).toBe(true);
    await t1.commit();
    const t2 = kv.begin();
    expect(bootstrapCatalog(t2, 'admin')).toBe(false);
    const before = loadCatalog(t2);
    expect(before.role('admin')?.superuser).toBe(true);
    expect(before.database('postgres')).toBeDefined();
    const w = new CatalogWriter(t2);
    const oid = w.allocateOid();
    w.put({ kind: 'schema', oid, name: 'tmp', databaseOid: 5, ownerOid: 10 });
    expect(w.finish()).toBe(before.version + 1);
    expect(loadCatalog(t2).schema(5, 'tmp')?.oid).toBe(oid);
    t2.rollback();
    const t3 = kv.begin({ readOnly: true });
    const after = loadCatalog(t3);
    expect(after.schema(5, 'tmp')).toBeUndefined();
    expect(after.version).toBe(before.version);
    expect(readMeta(t3)?.nextOid).toBe(before.meta.nextOid);
    t3.rollback();
  });

  it('serves the committed catalog from the cache until the version moves', async () => {
    const kv = new TxnKv(new MemoryVersionedKv());
    const t = kv.begin();
    bootstrapCatalog(t, 'postgres');
    await t.commit();
    const cache = new CatalogCache();
    const r1 = kv.begin({ readOnly: true });
    const a = cache.get(r1, false);
    expect(cache.get(r1, false)).toBe(a);
    r1.rollback();
    const w = kv.begin();
    const writer = new CatalogWriter(w);
    writer.put({ kind: 'schema', oid: writer.allocateOid(), name: 's2', databaseOid: 5, ownerOid: 10 });
    writer.finish();
    expect(cache.get(w, true).schema(5, 's2')).toBeDefined();
    await w.commit();
    const r2 = kv.begin({ readOnly: true });
    const b = cache.get(r2, false);
    expect(b).not.toBe(a);
    expect(b.schema(5, 's2')).toBeDefined();
    r2.rollback();
  });

  it('with a commit watch, skips the meta read only while no catalog commit can be missed', async () => {
    const kv = new TxnKv(new MemoryVersionedKv());
    const boot = kv.begin();
    bootstrapCatalog(boot, 'admin');
    await boot.commit();
    const cache = new CatalogCache(kv.watchCommits(CATALOG_META_KEY));
    const metaReads = (txn: ReturnType<TxnKv['begin']>): { count: () => number; txn: typeof txn } => {
      let count = 0;
      const get = txn.get.bind(txn);
      txn.get = (key: Uint8Array): Uint8Array | undefined => {
        if (compareBytes(key, CATALOG_META_KEY) === 0) count++;
        return get(key);
      };
      return { count: () => count, txn };
    };
    const first = metaReads(kv.begin({ readOnly: true }));
    const a = cache.get(first.txn, false);
    expect(first.count()).toBeGreaterThan(0); // (loading reads the meta record again)
    first.txn.rollback();
    const second = metaReads(kv.begin({ readOnly: true }));
    expect(cache.get(second.txn, false)).toBe(a);
    expect(second.count()).toBe(0); // nothing committed to the catalog since: no read
    second.txn.rollback();

    const old = metaReads(kv.begin({ isolation: 'repeatable read', readOnly: true }));
    const w = kv.begin();
    const writer = new CatalogWriter(w);
    writer.put({ kind: 'schema', oid: writer.allocateOid(), name: 's3', databaseOid: 5, ownerOid: 10 });
    writer.finish();
    await w.commit();
    // A snapshot taken before the DDL re-reads and keeps seeing the old catalog.
    expect(cache.get(old.txn, false).schema(5, 's3')).toBeUndefined();
    expect(old.count()).toBeGreaterThan(0);
    old.txn.rollback();
    // A snapshot after it re-reads, gets the new catalog, and the next one skips the read again.
    const after = metaReads(kv.begin({ readOnly: true }));
    const b = cache.get(after.txn, false);
    expect(after.count()).toBeGreaterThan(0);
    expect(b.schema(5, 's3')).toBeDefined();
    after.txn.rollback();
    const later = metaReads(kv.begin({ readOnly: true }));
    expect(cache.get(later.txn, false)).toBe(b);
    expect(later.count()).toBe(0);
    later.txn.rollback();
  });
});

describe('role verifiers', () => {
  it('computes SCRAM-SHA-256 verifiers as PostgreSQL stores them', () => {
    const salt = Buffer.from('0123456789abcdef');
    const v = scramVerifier('pencil', salt, 4096);
    const [head, keys] = v.split('$').slice(1) as [string, string];
    expect(head).toBe(`4096:${salt.toString('base64')}`);
    const salted = pbkdf2Sync('pencil', salt, 4096, 32, 'sha256');
    const stored = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest('base64');
    const server = createHmac('sha256', salted).update('Server Key').digest('base64');
    expect(keys).toBe(`${stored}:${server}`);
    expect(md5Verifier('secret', 'bob')).toBe(`md5${createHash('md5').update('secretbob').digest('hex')}`);
    expect(passwordVerifier(v)).toBe(v);
    expect(passwordVerifier('md5' + 'a'.repeat(32))).toBe('md5' + 'a'.repeat(32));
    expect(passwordVerifier('plain')).toMatch(/^SCRAM-SHA-256\$4096:/);
  });
});

describe('sequence store', () => {
  const seq: SequenceDesc = {
    kind: 'sequence', oid: 20000, name: 's', schemaOid: 2200, ownerOid: 10, typeOid: 20,
    start: 1n, increment: 1n, min: 1n, max: 3n, cycle: false, nonce: 'n1', ownedBy: undefined,
  };

  it('hands out values that survive rollback and reopen, and stops at MAXVALUE', async () => {
    const mem = new MemoryVersionedKv();
    const kv = new TxnKv(mem);
    const store = new SequenceStore(kv);
    const txn = kv.begin();
    expect(store.nextval(seq)).toBe(1n);
    expect(store.nextval(seq)).toBe(2n);
    txn.rollback();
    await store.flush();
    const reopened = new SequenceStore(new TxnKv(mem));
    expect(reopened.nextval(seq)).toBe(3n);
    expect(() => reopened.nextval(seq)).toThrow(/reached maximum value of sequence "s" \(3\)/);
    expect(reopened.setval(seq, 1n, false)).toBe(1n);
    expect(reopened.nextval(seq)).toBe(1n);
    expect(() => reopened.setval(seq, 9n, true)).toThrow(/out of bounds/);
    const other = new SequenceStore(new TxnKv(mem));
    expect(other.nextval({ ...seq, nonce: 'n2' })).toBe(1n);
  });
});
