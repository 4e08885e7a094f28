/**
 * pg_catalog tables pg_dump (15) reads for features stratadb does not have: operator classes and
 * families, text search, foreign data, default privileges, conversions, casts, ranges, transforms,
 * partitioning, subscriptions, large objects, security labels, per-database settings and enums.
 * They exist with PostgreSQL 15's columns and no rows, so pg_dump's catalog queries bind and find
 * nothing to dump, as on a fresh PostgreSQL database where only built-in objects (which pg_dump
 * skips) live in them. pg_init_privs alone has rows: the initial ACLs of pg_catalog and public,
 * so that pg_dump does not re-grant them.
 *
 * - Type substitutions where stratadb has no such type: aclitem[] → text[] (same printed form),
 *   int2vector → int2[], oidvector → oid[], pg_node_tree → text, pg_lsn → text.
 */
import { isInitialPublicSchema, namespaces, type SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';
import { PG_REWRITE } from './pg-rewrite.js';

function empty(name: string, oid: number, spec: string): SystemTable {
  return { schema: 'pg_catalog', name, oid, columns: typedColumns(spec), rows: () => [] };
}

const PG_NAMESPACE_OID = 2615;

/** pg_init_privs: the privileges initdb gave, which pg_dump does not re-grant (PostgreSQL 15's rows for schemas). */
const PG_INIT_PRIVS: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_init_privs',
  oid: 3394,
  columns: typedColumns('objoid:oid classoid:oid objsubid:int4 privtype:char initprivs:text[]'),
  rows: (catalog, db) => [
    [11, PG_NAMESPACE_OID, 0, 'i', ['postgres=UC/postgres', '=U/postgres']],
    ...namespaces(catalog, db)
      .filter((n) => isInitialPublicSchema(n))
      .map((n) => [n.oid, PG_NAMESPACE_OID, 0, 'i', ['pg_database_owner=UC/pg_database_owner', '=U/pg_database_owner']]),
  ],
};

export const PG_DUMP_EMPTY_TABLES: readonly SystemTable[] = [
  PG_INIT_PRIVS,
  PG_REWRITE,
  empty('pg_opfamily', 2753, 'oid:oid opfmethod:oid opfname:name opfnamespace:oid opfowner:oid'),
  empty('pg_ts_parser', 3601, 'oid:oid prsname:name prsnamespace:oid prsstart:regproc prstoken:regproc prsend:regproc prsheadline:regproc prslextype:regproc'),
  empty('pg_ts_template', 3764, 'oid:oid tmplname:name tmplnamespace:oid tmplinit:regproc tmpllexize:regproc'),
  empty('pg_ts_dict', 3600, 'oid:oid dictname:name dictnamespace:oid dictowner:oid dicttemplate:oid dictinitoption:text'),
  empty('pg_ts_config', 3602, 'oid:oid cfgname:name cfgnamespace:oid cfgowner:oid cfgparser:oid'),
  empty('pg_foreign_data_wrapper', 2328, 'oid:oid fdwname:name fdwowner:oid fdwhandler:oid fdwvalidator:oid fdwacl:text[] fdwoptions:text[]'),
  empty('pg_foreign_server', 1417, 'oid:oid srvname:name srvowner:oid srvfdw:oid srvtype:text srvversion:text srvacl:text[] srvoptions:text[]'),
  empty('pg_foreign_table', 3118, 'ftrelid:oid ftserver:oid ftoptions:text[]'),
  empty('pg_default_acl', 826, 'oid:oid defaclrole:oid defaclnamespace:oid defaclobjtype:char defaclacl:text[]'),
  empty('pg_conversion', 2607, 'oid:oid conname:name connamespace:oid conowner:oid conforencoding:int4 contoencoding:int4 conproc:regproc condefault:bool'),
  empty('pg_cast', 2605, 'oid:oid castsource:oid casttarget:oid castfunc:oid castcontext:char castmethod:char'),
  empty('pg_range', 3541, 'rngtypid:oid rngsubtype:oid rngmultitypid:oid rngcollation:oid rngsubopc:oid rngcanonical:regproc rngsubdiff:regproc'),
  empty('pg_transform', 3576, 'oid:oid trftype:oid trflang:oid trffromsql:regproc trftosql:regproc'),
  empty('pg_partitioned_table', 3350, 'partrelid:oid partstrat:char partnatts:int2 partdefid:oid partattrs:int2[] partclass:oid[] partcollation:oid[] partexprs:text'),
  empty(
    'pg_subscription',
    6100,
    'oid:oid subdbid:oid subskiplsn:text subname:name subowner:oid subenabled:bool subbinary:bool substream:bool subtwophasestate:char ' +
      'subdisableonerr:bool subconninfo:text subslotname:name subsynccommit:text subpublications:text[]',
  ),
  empty('pg_largeobject_metadata', 2995, 'oid:oid lomowner:oid lomacl:text[]'),
  empty('pg_amop', 2602, 'oid:oid amopfamily:oid amoplefttype:oid amoprighttype:oid amopstrategy:int2 amoppurpose:char amopopr:oid amopmethod:oid amopsortfamily:oid'),
  empty('pg_amproc', 2603, 'oid:oid amprocfamily:oid amproclefttype:oid amprocrighttype:oid amprocnum:int2 amproc:regproc'),
  empty('pg_seclabel', 3596, 'objoid:oid classoid:oid objsubid:int4 provider:text label:text'),
  empty('pg_seclabels', 12099, 'objoid:oid classoid:oid objsubid:int4 objtype:text objnamespace:oid objname:text provider:text label:text'),
  empty('pg_shseclabel', 3592, 'objoid:oid classoid:oid provider:text label:text'),
  empty('pg_db_role_setting', 2964, 'setdatabase:oid setrole:oid setconfig:text[]'),
  empty('pg_enum', 3501, 'oid:oid enumtypid:oid enumsortorder:float4 enumlabel:name'),
];
