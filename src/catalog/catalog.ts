/**
 * Catalog: an immutable in-memory snapshot of every descriptor at one catalog version, with the
 * name lookups the binder needs. Built by catalog-store.ts from the KV store; shared between
 * sessions while the version is unchanged (catalog-cache.ts).
 *
 * - Immutable after construction: callers never mutate descriptors; DDL writes new ones.
 * - Names are case-sensitive here; the binder folds unquoted identifiers to lower case first.
 * - pg_catalog and information_schema exist in every database (virtual, BOOTSTRAP_OID).
 */
import type {
  DatabaseDesc,
  Descriptor,
  RelationDesc,
  RoleDesc,
  SchemaDesc,
  SequenceDesc,
  TableDesc,
  ViewDesc,
} from './descriptors.js';
import { BOOTSTRAP_OID } from './descriptors.js';

export interface CatalogMeta {
  readonly version: number;
  readonly nextOid: number;
}

export class Catalog {
  private readonly byOid = new Map<number, Descriptor>();
  private readonly databasesByName = new Map<string, DatabaseDesc>();
  private readonly rolesByName = new Map<string, RoleDesc>();
  /** schema key `${databaseOid}/${name}` */
  private readonly schemasByName = new Map<string, SchemaDesc>();
  /** relation key `${schemaOid}/${name}` */
  private readonly relationsByName = new Map<string, RelationDesc>();

  constructor(
    readonly meta: CatalogMeta,
    descriptors: readonly Descriptor[],
  ) {
    for (const d of descriptors) this.add(d);
  }

  private add(d: Descriptor): void {
    this.byOid.set(d.oid, d);
    switch (d.kind) {
      case 'database':
        this.databasesByName.set(d.name, d);
        break;
      case 'role':
        this.rolesByName.set(d.name, d);
        break;
      case 'schema':
        this.schemasByName.set(`${d.databaseOid}/${d.name}`, d);
        break;
      default:
        this.relationsByName.set(`${d.schemaOid}/${d.name}`, d);
        if (d.kind === 'table') {
          for (const index of d.indexes) this.byOidIndex.set(index.oid, d);
          this.byOidIndex.set(d.primary.oid, d);
        }
    }
  }

  /** Table owning an index oid (indexes are relations in PostgreSQL's namespace). */
  private readonly byOidIndex = new Map<number, TableDesc>();

  get version(): number {
    return this.meta.version;
  }

  descriptor(oid: number): Descriptor | undefined {
    return this.byOid.get(oid);
  }

  database(name: string): DatabaseDesc | undefined {
    return this.databasesByName.get(name);
  }

  role(name: string): RoleDesc | undefined {
    return this.rolesByName.get(name);
  }

  schema(databaseOid: number, name: string): SchemaDesc | undefined {
    return this.schemasByName.get(`${databaseOid}/${name}`);
  }

  relation(schemaOid: number, name: string): RelationDesc | undefined {
    return this.relationsByName.get(`${schemaOid}/${name}`);
  }

  /** The table that owns an index with this name in the schema, if any. */
  indexByName(schemaOid: number, name: string): { table: TableDesc; indexOid: number } | undefined {
    for (const table of this.tablesIn(schemaOid)) {
      if (table.primary.name === name && !table.hiddenRowId) return { table, indexOid: table.primary.oid };
      for (const index of table.indexes) if (index.name === name) return { table, indexOid: index.oid };
    }
    return undefined;
  }

  tableOfIndex(indexOid: number): TableDesc | undefined {
    return this.byOidIndex.get(indexOid);
  }

  table(oid: number): TableDesc | undefined {
    const d = this.byOid.get(oid);
    return d?.kind === 'table' ? d : undefined;
  }

  view(oid: number): ViewDesc | undefined {
    const d = this.byOid.get(oid);
    return d?.kind === 'view' ? d : undefined;
  }

  sequence(oid: number): SequenceDesc | undefined {
    const d = this.byOid.get(oid);
    return d?.kind === 'sequence' ? d : undefined;
  }

  databases(): DatabaseDesc[] {
    return [...this.databasesByName.values()];
  }

  roles(): RoleDesc[] {
    return [...this.rolesByName.values()];
  }

  schemasOf(databaseOid: number): SchemaDesc[] {
    return [...this.schemasByName.values()].filter((s) => s.databaseOid === databaseOid);
  }

  relationsIn(schemaOid: number): RelationDesc[] {
    return [...this.relationsByName.values()].filter((r) => r.schemaOid === schemaOid);
  }

  tablesIn(schemaOid: number): TableDesc[] {
    return this.relationsIn(schemaOid).filter((r): r is TableDesc => r.kind === 'table');
  }

  /** Every descriptor (for dependency checks and pg_catalog). */
  all(): Descriptor[] {
    return [...this.byOid.values()];
  }

  /** Whether a schema name is one of the virtual ones present in every database. */
  static isSystemSchema(name: string): boolean {
    return name === 'pg_catalog' || name === 'information_schema';
  }

  static systemSchemaOid(name: string): number | undefined {
    if (name === 'pg_catalog') return BOOTSTRAP_OID.pgCatalog;
    if (name === 'information_schema') return BOOTSTRAP_OID.informationSchema;
    return undefined;
  }
}
