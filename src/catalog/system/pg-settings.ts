/**
 * pg_catalog.pg_settings: the reading session's settings (SystemTableContext.settings) with
 * PostgreSQL 15's metadata for each (unit, category, description, context, type, bounds, enum
 * values), taken from a PostgreSQL 15 server.
 *
 * - `setting` is in the setting's base unit, as PostgreSQL shows it: statement_timeout '5s' → '5000'
 *   (unit ms), work_mem '4MB' → '4096' (unit kB); SHOW keeps the human spelling.
 * - Settings PostgreSQL hides from pg_settings (is_superuser, session_authorization) are left out,
 *   and so is a setting without metadata here (a new one shows up once it is described below).
 * - Without a context (a catalog read outside any session) the table is empty.
 */
import type { Value } from '../types/sql-type.js';
import type { SessionSettingView, SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

/** [unit, category, short_desc, context, vartype, min_val, max_val, enumvals] */
type SettingMeta = readonly [string | null, string, string, string, string, string | null, string | null, readonly string[] | null];

const LOCALE = 'Client Connection Defaults / Locale and Formatting';
const STATEMENT = 'Client Connection Defaults / Statement Behavior';
const PRESET = 'Preset Options';
const COMPAT = 'Version and Platform Compatibility / Previous PostgreSQL Versions';
const INT_MAX = '2147483647';
const ISOLATIONS = ['serializable', 'repeatable read', 'read committed', 'read uncommitted'];

const str = (category: string, desc: string, context = 'user'): SettingMeta => [null, category, desc, context, 'string', null, null, null];
const bool = (category: string, desc: string, context = 'user'): SettingMeta => [null, category, desc, context, 'bool', null, null, null];
const enumOf = (category: string, desc: string, values: readonly string[]): SettingMeta => [null, category, desc, 'user', 'enum', null, null, values];
const ms = (desc: string): SettingMeta => ['ms', STATEMENT, desc, 'user', 'integer', '0', INT_MAX, null];
const preset = (desc: string, vartype = 'string', bound: string | null = null): SettingMeta => [null, PRESET, desc, 'internal', vartype, bound, bound, null];

const META: Readonly<Record<string, SettingMeta>> = {
  DateStyle: str(LOCALE, 'Sets the display format for date and time values.'),
  IntervalStyle: enumOf(LOCALE, 'Sets the display format for interval values.', ['postgres', 'postgres_verbose', 'sql_standard', 'iso_8601']),
  TimeZone: str(LOCALE, 'Sets the time zone for displaying and interpreting time stamps.'),
  application_name: str('Reporting and Logging / What to Log', 'Sets the application name to be reported in statistics and logs.'),
  block_size: preset('Shows the size of a disk block.', 'integer', '8192'),
  bytea_output: enumOf(STATEMENT, 'Sets the output format for bytea.', ['escape', 'hex']),
  check_function_bodies: bool(STATEMENT, 'Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE.'),
  client_encoding: str(LOCALE, "Sets the client's character set encoding."),
  client_min_messages: enumOf(STATEMENT, 'Sets the message levels that are sent to the client.', [
    'debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'log', 'notice', 'warning', 'error',
  ]),
  default_table_access_method: str(STATEMENT, 'Sets the default table access method for new tables.'),
  default_tablespace: str(STATEMENT, 'Sets the default tablespace to create tables and indexes in.'),
  default_text_search_config: str(LOCALE, 'Sets default text search configuration.'),
  default_transaction_isolation: enumOf(STATEMENT, 'Sets the transaction isolation level of each new transaction.', ISOLATIONS),
  default_transaction_read_only: bool(STATEMENT, 'Sets the default read-only status of new transactions.'),
  escape_string_warning: bool(COMPAT, 'Warn about backslash escapes in ordinary string literals.'),
  extra_float_digits: [null, LOCALE, 'Sets the number of digits displayed for floating-point values.', 'user', 'integer', '-15', '3', null],
  idle_in_transaction_session_timeout: ms('Sets the maximum allowed idle time between queries, when in a transaction.'),
  in_hot_standby: preset('Shows whether hot standby is currently active.', 'bool'),
  integer_datetimes: preset('Shows whether datetimes are integer based.', 'bool'),
  lc_collate: preset('Shows the collation order locale.'),
  lc_ctype: preset('Shows the character classification and case conversion locale.'),
  lc_messages: str(LOCALE, 'Sets the language in which messages are displayed.', 'superuser'),
  lc_monetary: str(LOCALE, 'Sets the locale for formatting monetary amounts.'),
  lc_numeric: str(LOCALE, 'Sets the locale for formatting numbers.'),
  lc_time: str(LOCALE, 'Sets the locale for formatting date and time values.'),
  lock_timeout: ms('Sets the maximum allowed duration of any wait for a lock.'),
  max_connections: [null, 'Connections and Authentication / Connection Settings', 'Sets the maximum number of concurrent connections.', 'postmaster', 'integer', '1', '262143', null],
  max_identifier_length: preset('Shows the maximum identifier length.', 'integer', '63'),
  password_encryption: enumOf('Connections and Authentication / Authentication', 'Chooses the algorithm for encrypting passwords.', ['md5', 'scram-sha-256']),
  row_security: bool(STATEMENT, 'Enable row security.'),
  search_path: str(STATEMENT, 'Sets the schema search order for names that are not schema-qualified.'),
  server_encoding: preset('Shows the server (database) character set encoding.'),
  server_version: preset('Shows the server version.'),
  server_version_num: preset('Shows the server version as an integer.', 'integer', '150000'),
  standard_conforming_strings: bool(COMPAT, "Causes '...' strings to treat backslashes literally."),
  statement_timeout: ms('Sets the maximum allowed duration of any statement.'),
  synchronous_commit: enumOf('Write-Ahead Log / Settings', "Sets the current transaction's synchronization level.", ['local', 'remote_write', 'remote_apply', 'on', 'off']),
  timezone_abbreviations: str(LOCALE, 'Selects a file of time zone abbreviations.'),
  transaction_isolation: enumOf(STATEMENT, "Sets the current transaction's isolation level.", ISOLATIONS),
  transaction_read_only: bool(STATEMENT, "Sets the current transaction's read-only status."),
  work_mem: ['kB', 'Resource Usage / Memory', 'Sets the maximum memory to be used for query workspaces.', 'user', 'integer', '64', INT_MAX, null],
  xmloption: enumOf(
    STATEMENT,
    'Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments.',
    ['content', 'document'],
  ),
};

const MS_PER_UNIT: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };
const KB_PER_UNIT: Readonly<Record<string, number>> = { kB: 1, MB: 1024, GB: 1024 * 1024, TB: 1024 * 1024 * 1024 };

/** A value in the setting's base unit ('5s' → '5000' for ms, '4MB' → '4096' for kB). */
export function inBaseUnit(value: string, unit: string | null): string {
  if (unit === null) return value;
  const m = /^\s*(-?\d+)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (m === null) return value;
  const scale = unit === 'ms' ? MS_PER_UNIT : KB_PER_UNIT;
  const factor = m[2] === '' ? 1 : scale[m[2] as string];
  return factor === undefined ? value : String(Number(m[1]) * factor);
}

function settingRow(s: SessionSettingView, meta: SettingMeta): Value[] {
  const [unit, category, shortDesc, context, vartype, minVal, maxVal, enumVals] = meta;
  return [
    s.name, inBaseUnit(s.value, unit), unit, category, shortDesc, null, context, vartype, s.source, minVal, maxVal,
    enumVals === null ? null : [...enumVals], inBaseUnit(s.bootValue, unit), inBaseUnit(s.resetValue, unit), null, null, false,
  ];
}

export const PG_SETTINGS: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_settings',
  oid: 12104,
  columns: typedColumns(
    'name:text setting:text unit:text category:text short_desc:text extra_desc:text context:text vartype:text source:text ' +
      'min_val:text max_val:text enumvals:text[] boot_val:text reset_val:text sourcefile:text sourceline:int4 pending_restart:bool',
  ),
  rows: (_catalog, _databaseOid, context) => {
    const out: Value[][] = [];
    for (const s of context?.settings() ?? []) {
      const meta = META[s.name];
      if (meta !== undefined) out.push(settingRow(s, meta));
    }
    return out;
  },
};
