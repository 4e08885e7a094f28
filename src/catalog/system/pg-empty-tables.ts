/**
 * pg_catalog tables for features stratadb does not have (inheritance, row security, extended
 * statistics, logical replication, triggers, role membership). They exist with
 * PostgreSQL 15's columns and no rows, so that clients' catalog queries — psql's \d footers above
 * all — bind and return what PostgreSQL returns for a database that does not use the feature.
 */
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

function empty(name: string, oid: number, spec: string): SystemTable {
  return { schema: 'pg_catalog', name, oid, columns: typedColumns(spec), rows: () => [] };
}

export const PG_INHERITS = empty('pg_inherits', 2611, 'inhrelid:oid inhparent:oid inhseqno:int4 inhdetachpending:bool');

export const PG_POLICY = empty(
  'pg_policy',
  3256,
  'oid:oid polname:name polrelid:oid polcmd:char polpermissive:bool polroles:oid[] polqual:text polwithcheck:text',
);

export const PG_STATISTIC_EXT = empty(
  'pg_statistic_ext',
  3381,
  'oid:oid stxrelid:oid stxname:name stxnamespace:oid stxowner:oid stxstattarget:int4 stxkeys:int2[] stxkind:char[] stxexprs:text',
);

export const PG_PUBLICATION = empty(
  'pg_publication',
  6104,
  'oid:oid pubname:name pubowner:oid puballtables:bool pubinsert:bool pubupdate:bool pubdelete:bool pubtruncate:bool pubviaroot:bool',
);

export const PG_PUBLICATION_REL = empty('pg_publication_rel', 6106, 'oid:oid prpubid:oid prrelid:oid prqual:text prattrs:int2[]');

export const PG_PUBLICATION_NAMESPACE = empty('pg_publication_namespace', 6237, 'oid:oid pnpubid:oid pnnspid:oid');

export const PG_TRIGGER = empty(
  'pg_trigger',
  2620,
  'oid:oid tgrelid:oid tgparentid:oid tgname:name tgfoid:oid tgtype:int2 tgenabled:char tgisinternal:bool tgconstrrelid:oid ' +
    'tgconstrindid:oid tgconstraint:oid tgdeferrable:bool tginitdeferred:bool tgnargs:int2 tgattr:int2[] tgargs:bytea tgqual:text ' +
    'tgoldtable:name tgnewtable:name',
);

export const PG_AUTH_MEMBERS = empty('pg_auth_members', 1261, 'roleid:oid member:oid grantor:oid admin_option:bool');

export const PG_EVENT_TRIGGER = empty('pg_event_trigger', 3466, 'oid:oid evtname:name evtevent:name evtowner:oid evtfoid:oid evtenabled:char evttags:text[]');
