/**
 * The system tables stratadb generates from its catalog, by schema and name.
 */
import type { SystemTable } from './system-table.js';
import { PG_NAMESPACE } from './pg-namespace.js';
import { PG_CLASS } from './pg-class.js';
import { PG_ATTRIBUTE } from './pg-attribute.js';
import { PG_TYPE } from './pg-type.js';
import { PG_DATABASE, PG_ROLES } from './pg-database-roles.js';
import { PG_INDEX } from './pg-index.js';
import { PG_AM } from './pg-am.js';
import { PG_OPCLASS } from './pg-opclass.js';
import { INFO_SCHEMATA, INFO_TABLES } from './information-schema.js';
import { INTROSPECTION_TABLES } from './introspection-tables.js';
import { PG_SETTINGS } from './pg-settings.js';
import { PG_STAT_ACTIVITY } from './pg-stat-activity.js';
import { PG_STAT_DATABASE } from './pg-stat-database.js';
import { PG_CURSORS } from './pg-cursors.js';
import { PG_PREPARED_STATEMENTS } from './pg-prepared-statements.js';
import { PG_DUMP_EMPTY_TABLES } from './pg-dump-empty-tables.js';
import { BUILTIN_OBJECT_TABLES } from './builtin-object-tables.js';

export type {
  SystemTable, SystemColumn, SystemTableContext, SessionSettingView, BackendActivity, DatabaseActivity, BlockCounters, CursorView,
  PreparedStatementView,
} from './system-table.js';

const TABLES: readonly SystemTable[] = [PG_NAMESPACE, PG_CLASS, PG_ATTRIBUTE, PG_TYPE, PG_DATABASE, PG_ROLES, PG_INDEX, PG_AM, PG_OPCLASS, INFO_SCHEMATA, INFO_TABLES, ...INTROSPECTION_TABLES, ...PG_DUMP_EMPTY_TABLES,
  PG_SETTINGS, PG_STAT_ACTIVITY, PG_STAT_DATABASE, PG_CURSORS, PG_PREPARED_STATEMENTS, ...BUILTIN_OBJECT_TABLES];

const BY_NAME = new Map(TABLES.map((t) => [`${t.schema}.${t.name}`, t]));

export function systemTable(schema: string, name: string): SystemTable | undefined {
  return BY_NAME.get(`${schema}.${name}`);
}

const BY_OID = new Map([...BY_NAME.values()].filter((t) => t.oid !== 0).map((t) => [t.oid, t]));

/** The system table with relation oid `oid` (regclass output of 'pg_class'::regclass). */
export function systemTableByOid(oid: number): SystemTable | undefined {
  return BY_OID.get(oid);
}
