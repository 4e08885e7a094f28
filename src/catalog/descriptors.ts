/**
 * Catalog descriptors: the records the catalog stores, one per database, schema, relation
 * (table, view, sequence), role. Indexes and constraints live inside their table's descriptor so
 * that one DDL statement rewrites one record.
 *
 * - Every descriptor has a stable oid (PostgreSQL's object id), never reused while the object exists.
 * - Expressions (column defaults, CHECK constraints, view queries) are stored as `StoredExpr`: an
 *   opaque JSON tree plus the source text. Only the SQL binder interprets the tree; the catalog
 *   never looks inside it.
 * - Comments (COMMENT ON) live on the object they describe, so they go with it on DROP and
 *   commit or roll back with the transaction that set them.
 * - Column attnums are stable: dropped columns keep their slot (dropped = true), as PostgreSQL does,
 *   so encoded rows need no rewrite on DROP COLUMN.
 */

/** An expression as the binder's input: an opaque parse tree and its text for display. */
export interface StoredExpr {
  readonly tree: unknown;
  readonly text: string;
  /** The sequence a nextval(…) column default draws from, bound at definition (pg_depend). */
  readonly sequenceOid?: number;
}

export interface ColumnDesc {
  readonly name: string;
  /** 1-based, stable for the life of the column. */
  readonly attnum: number;
  readonly typeOid: number;
  readonly typmod: number;
  readonly notNull: boolean;
  readonly default: StoredExpr | undefined;
  /** '' none, 'a' GENERATED ALWAYS AS IDENTITY, 'd' BY DEFAULT. */
  readonly identity: '' | 'a' | 'd';
  readonly dropped: boolean;
  /** COMMENT ON COLUMN (pg_description); absent when there is none. */
  readonly comment?: string;
}

export interface IndexColumn {
  readonly attnum: number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

export interface IndexDesc {
  readonly oid: number;
  readonly name: string;
  /** Key-space number inside the table: 1 is the primary (row) index. */
  readonly indexNo: number;
  readonly columns: readonly IndexColumn[];
  readonly unique: boolean;
  readonly primary: boolean;
  /** COMMENT ON INDEX. */
  readonly comment?: string;
}

export type ConstraintKind = 'p' | 'u' | 'c' | 'f';

export interface ForeignKeyRef {
  readonly tableOid: number;
  readonly attnums: readonly number[];
  /** 'a' no action, 'r' restrict, 'c' cascade, 'n' set null, 'd' set default (pg_constraint). */
  readonly onDelete: string;
  readonly onUpdate: string;
  /** 'f' for MATCH FULL; absent for MATCH SIMPLE (pg_constraint.confmatchtype 's'). */
  readonly match?: 'f';
  /** ON DELETE SET NULL / SET DEFAULT (col, …): the referencing attnums it sets (confdelsetcols). */
  readonly deleteSetAttnums?: readonly number[];
}

export interface ConstraintDesc {
  readonly oid: number;
  readonly name: string;
  readonly kind: ConstraintKind;
  readonly attnums: readonly number[];
  readonly check: StoredExpr | undefined;
  /** The index enforcing a 'p' or 'u' constraint. */
  readonly indexOid: number | undefined;
  readonly references: ForeignKeyRef | undefined;
  /** DEFERRABLE (foreign keys only): its checks may wait for COMMIT (SET CONSTRAINTS). */
  readonly deferrable?: true;
  /** INITIALLY DEFERRED: checked at COMMIT unless SET CONSTRAINTS … IMMEDIATE. */
  readonly initiallyDeferred?: true;
  /** ADD CONSTRAINT … NOT VALID (foreign key or CHECK): existing rows not checked yet (convalidated false). */
  readonly notValid?: true;
  /** COMMENT ON CONSTRAINT. */
  readonly comment?: string;
}

export interface TableDesc {
  readonly kind: 'table';
  readonly oid: number;
  readonly name: string;
  readonly schemaOid: number;
  readonly ownerOid: number;
  readonly columns: readonly ColumnDesc[];
  /** The primary index (indexNo 1): the PRIMARY KEY, or the hidden row id when there is none. */
  readonly primary: IndexDesc;
  /** Secondary indexes (indexNo ≥ 2). */
  readonly indexes: readonly IndexDesc[];
  readonly constraints: readonly ConstraintDesc[];
  /** True when the table has no PRIMARY KEY: rows are keyed by a hidden int8 row id. */
  readonly hiddenRowId: boolean;
  readonly nextIndexNo: number;
  /** COMMENT ON TABLE. */
  readonly comment?: string;
}

export interface ViewDesc {
  readonly kind: 'view';
  readonly oid: number;
  readonly name: string;
  readonly schemaOid: number;
  readonly ownerOid: number;
  readonly query: StoredExpr;
  /** Output column names and types, fixed at CREATE VIEW (as PostgreSQL does). */
  readonly columns: readonly ColumnDesc[];
  /** Oids of the relations the query reads, resolved at CREATE VIEW (pg_depend); absent in older views. */
  readonly references?: readonly number[];
  /** COMMENT ON VIEW. */
  readonly comment?: string;
}

export interface SequenceDesc {
  readonly kind: 'sequence';
  readonly oid: number;
  readonly name: string;
  readonly schemaOid: number;
  readonly ownerOid: number;
  readonly typeOid: number;
  readonly start: bigint;
  readonly increment: bigint;
  readonly min: bigint;
  readonly max: bigint;
  readonly cycle: boolean;
  /** Random tag of this incarnation: its value key includes it, so a reused oid never sees stale state. */
  readonly nonce: string;
  /** The column that owns it (SERIAL / identity), dropped with it. */
  readonly ownedBy: { readonly tableOid: number; readonly attnum: number } | undefined;
  /** COMMENT ON SEQUENCE. */
  readonly comment?: string;
}

export interface SchemaDesc {
  readonly kind: 'schema';
  readonly oid: number;
  readonly name: string;
  readonly databaseOid: number;
  readonly ownerOid: number;
  /** COMMENT ON SCHEMA. */
  readonly comment?: string;
}

export interface DatabaseDesc {
  readonly kind: 'database';
  readonly oid: number;
  readonly name: string;
  readonly ownerOid: number;
}

export interface RoleDesc {
  readonly kind: 'role';
  readonly oid: number;
  readonly name: string;
  readonly superuser: boolean;
  readonly canLogin: boolean;
  readonly createDb: boolean;
  readonly createRole: boolean;
  /** 'SCRAM-SHA-256$…' or 'md5…' verifier, as PostgreSQL stores it. */
  readonly password: string | undefined;
}

export type RelationDesc = TableDesc | ViewDesc | SequenceDesc;
export type Descriptor = RelationDesc | SchemaDesc | DatabaseDesc | RoleDesc;

/** Fixed oids of bootstrap objects (PostgreSQL's values where it has them). */
export const BOOTSTRAP_OID = {
  superuser: 10,
  databaseOwner: 6171,
  pgCatalog: 11,
  publicSchema: 2200,
  informationSchema: 13000,
  postgresDb: 5,
} as const;

/** First oid handed to user objects (PostgreSQL's FirstNormalObjectId). */
export const FIRST_USER_OID = 16384;
