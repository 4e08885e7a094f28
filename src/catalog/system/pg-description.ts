/**
 * pg_catalog.pg_description and pg_shdescription: the comments PostgreSQL 15 ships on its built-in
 * objects that stratadb also has — built-in routines and operators (from their rows), the pg_catalog and
 * public schemas, the languages, the access methods, the plpgsql extension, and (shared) the initial databases.
 *
 * - Comments users set with COMMENT ON come from the descriptors (user-comments.ts); every other
 *   object has none, as on a PostgreSQL database nobody commented.
 * - builtinDescription() is what obj_description() / shobj_description() read.
 */
import type { Value } from '../types/sql-type.js';
import { builtinOperators } from './pg-operator.js';
import { builtinProc, builtinProcs } from './pg-proc.js';
import { PLPGSQL_EXTENSION_OID, PLPGSQL_LANGUAGE_OID } from './pg-language-extension.js';
import type { Catalog } from '../catalog.js';
import { userComments, userDescription } from './user-comments.js';
import { isInitialPublicSchema, namespaces, type SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

export const PG_PROC_CLASS_OID = 1255;
export const PG_OPERATOR_CLASS_OID = 2617;
const PG_NAMESPACE_CLASS_OID = 2615;
const PG_LANGUAGE_CLASS_OID = 2612;
const PG_EXTENSION_CLASS_OID = 3079;
const PG_AM_CLASS_OID = 2601;
export const PG_DATABASE_CLASS_OID = 1262;

/** The catalogs pg_description has comments for (obj_description's one-argument form searches them). */
export const DESCRIBED_CLASSES: readonly number[] = [
  PG_PROC_CLASS_OID, PG_OPERATOR_CLASS_OID, PG_NAMESPACE_CLASS_OID, PG_LANGUAGE_CLASS_OID, PG_EXTENSION_CLASS_OID, PG_AM_CLASS_OID,
];

/** [classoid, objoid, description] of the non-routine comments. */
const FIXED: ReadonlyArray<readonly [number, number, string]> = [
  [PG_LANGUAGE_CLASS_OID, 12, 'built-in functions'],
  [PG_LANGUAGE_CLASS_OID, 13, 'dynamically-loaded C functions'],
  [PG_LANGUAGE_CLASS_OID, 14, 'SQL-language functions'],
  [PG_NAMESPACE_CLASS_OID, 11, 'system catalog schema'],
  [PG_NAMESPACE_CLASS_OID, 2200, 'standard public schema'],
  [PG_EXTENSION_CLASS_OID, PLPGSQL_EXTENSION_OID, 'PL/pgSQL procedural language'],
  [PG_LANGUAGE_CLASS_OID, PLPGSQL_LANGUAGE_OID, 'PL/pgSQL procedural language'],
  [PG_AM_CLASS_OID, 2, 'heap table access method'],
  [PG_AM_CLASS_OID, 403, 'b-tree index access method'],
  [PG_AM_CLASS_OID, 405, 'hash index access method'],
  [PG_AM_CLASS_OID, 783, 'GiST index access method'],
  [PG_AM_CLASS_OID, 2742, 'GIN index access method'],
  [PG_AM_CLASS_OID, 3580, 'block range index (BRIN) access method'],
  [PG_AM_CLASS_OID, 4000, 'SP-GiST index access method'],
];

/** [objoid, description] of the shared comments (pg_shdescription, on pg_database rows). */
const SHARED: ReadonlyArray<readonly [number, string]> = [
  [1, 'default template for new databases'],
  [4, 'unmodifiable empty database'],
  [5, 'default administrative connection database'],
];

/** The comment on a built-in object (objsubid 0), or undefined; `catalog` finds a database's initial public schema. */
export function builtinDescription(classOid: number, objOid: number, catalog?: Catalog): string | undefined {
  const user = catalog === undefined ? undefined : userDescription(catalog, classOid, objOid);
  if (user !== undefined) return user;
  if (classOid === PG_NAMESPACE_CLASS_OID && catalog !== undefined) {
    const d = catalog.descriptor(objOid);
    if (d?.kind === 'schema' && isInitialPublicSchema({ name: d.name, owner: d.ownerOid })) return 'standard public schema';
  }
  if (classOid === PG_PROC_CLASS_OID) return builtinProc(objOid)?.description;
  if (classOid === PG_OPERATOR_CLASS_OID) return builtinOperators().find((o) => o.oid === objOid)?.description;
  if (classOid === PG_DATABASE_CLASS_OID) return SHARED.find(([oid]) => oid === objOid)?.[1];
  return FIXED.find(([c, o]) => c === classOid && o === objOid)?.[2];
}

function rows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  // Every database's initial public schema has PostgreSQL's comment (only the first one has oid 2200).
  for (const n of namespaces(catalog, db)) {
    if (n.oid !== 2200 && isInitialPublicSchema(n)) out.push([n.oid, PG_NAMESPACE_CLASS_OID, 0, 'standard public schema']);
  }
  for (const p of builtinProcs()) if (p.description !== undefined) out.push([p.oid, PG_PROC_CLASS_OID, 0, p.description]);
  for (const o of builtinOperators()) if (o.description !== undefined) out.push([o.oid, PG_OPERATOR_CLASS_OID, 0, o.description]);
  for (const [classOid, objOid, text] of FIXED) out.push([objOid, classOid, 0, text]);
  // COMMENT ON (user-comments.ts); one on the public schema replaces PostgreSQL's.
  const user = userComments(catalog, db);
  const replaced = new Set(user.map((c) => `${c.classoid}:${c.objoid}:${c.objsubid}`));
  const kept = out.filter((r) => !replaced.has(`${String(r[1])}:${String(r[0])}:${String(r[2])}`));
  return [...kept, ...user.map((c) => [c.objoid, c.classoid, c.objsubid, c.description])];
}

export const PG_DESCRIPTION: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_description',
  oid: 2609,
  columns: typedColumns('objoid:oid classoid:oid objsubid:int4 description:text'),
  rows,
};

export const PG_SHDESCRIPTION: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_shdescription',
  oid: 2396,
  columns: typedColumns('objoid:oid classoid:oid description:text'),
  rows: () => SHARED.map(([oid, text]) => [oid, PG_DATABASE_CLASS_OID, text]),
};
