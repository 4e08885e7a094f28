/**
 * The pg_type columns clients and ORMs read (psql \d, node-postgres, JDBC, SQLAlchemy), derived
 * from a SqlType with PostgreSQL 15's values for the built-in types.
 */
import { OID } from './oids.js';
import type { SqlType } from './sql-type.js';

export interface PgTypeRow {
  readonly oid: number;
  readonly typname: string;
  /** pg_catalog's namespace oid. */
  readonly typnamespace: number;
  readonly typlen: number;
  readonly typbyval: boolean;
  /** b base, p pseudo. */
  readonly typtype: string;
  readonly typcategory: string;
  readonly typispreferred: boolean;
  readonly typdelim: string;
  readonly typelem: number;
  readonly typarray: number;
  readonly typinput: string;
  readonly typoutput: string;
  readonly typreceive: string;
  readonly typsend: string;
  readonly typalign: string;
  readonly typstorage: string;
  readonly typnotnull: boolean;
  readonly typbasetype: number;
  readonly typtypmod: number;
  readonly typndims: number;
}

export const PG_CATALOG_NAMESPACE_OID = 11;

/** The "default" collation and "C", which PostgreSQL gives name (and name[]). */
const DEFAULT_COLLATION_OID = 100;
const C_COLLATION_OID = 950;

/** pg_type.typcollation: "default" for the string types and their arrays, "C" for name, else 0. */
export function typeCollationOid(type: SqlType): number {
  const base = type.element !== undefined && type.lowerBound === undefined ? type.element : type;
  if (base.oid === OID.name) return C_COLLATION_OID;
  return base.category === 'S' && base.oid !== OID.char ? DEFAULT_COLLATION_OID : 0;
}

/** Types whose I/O functions are spelled with an underscore (date_in, not datein). */
const UNDERSCORE_IO = new Set(['date', 'time', 'timestamp', 'timestamptz', 'interval', 'numeric', 'uuid', 'json', 'jsonb', 'timetz']);

/** [input, output, receive, send] function names as in pg_type. */
function ioNames(type: SqlType): [string, string, string, string] {
  const isArray = type.element !== undefined && type.lowerBound === undefined;
  const base = isArray ? 'array' : type.name;
  if (type.category === 'P' && type.typlen === 4 && base !== 'void') return [`${base}_in`, `${base}_out`, '-', '-'];
  if (isArray || type.category === 'P' || UNDERSCORE_IO.has(base)) {
    return [`${base}_in`, `${base}_out`, `${base}_recv`, `${base}_send`];
  }
  return [`${base}in`, `${base}out`, `${base}recv`, `${base}send`];
}

function align(type: SqlType): string {
  if (type.element !== undefined) return type.element.typlen === 8 || type.element.oid === OID.interval ? 'd' : 'i';
  if (type.oid === OID.record || type.oid === OID.anyarray || type.oid === OID.anycompatiblearray) return 'd';
  if (type.typlen === 1 || type.typlen === -2 || type.oid === OID.name) return 'c';
  if (type.typlen === 2) return 's';
  if (type.typlen === 8 || type.oid === OID.interval || type.oid === OID.numeric) return type.oid === OID.numeric ? 'i' : 'd';
  if (type.typlen === 16 && type.oid === OID.uuid) return 'c';
  return 'i';
}

export function pgTypeRow(type: SqlType): PgTypeRow {
  const [typinput, typoutput, typreceive, typsend] = ioNames(type);
  const pseudo = type.category === 'P';
  const byval = type.typlen > 0 && type.typlen <= 8 && type.oid !== OID.name && type.oid !== OID.uuid;
  return {
    oid: type.oid,
    typname: type.name,
    typnamespace: PG_CATALOG_NAMESPACE_OID,
    typlen: type.typlen,
    typbyval: byval,
    typtype: pseudo ? 'p' : 'b',
    typcategory: type.category,
    typispreferred: type.preferred,
    typdelim: ',',
    typelem: type.element?.oid ?? (type.oid === OID.name ? OID.char : 0),
    typarray: type.arrayOid ?? 0,
    typinput,
    typoutput,
    typreceive,
    typsend,
    typalign: align(type),
    typstorage: type.typlen === -1 && type.lowerBound === undefined ? (type.oid === OID.numeric ? 'm' : 'x') : 'p',
    typnotnull: false,
    typbasetype: 0,
    typtypmod: -1,
    typndims: 0,
  };
}
