/**
 * Session settings (GUCs) that SET / SHOW / RESET touch, with PostgreSQL 15's names, defaults and
 * canonical spellings.
 *
 * - Names are case-insensitive; SHOW reports the canonical name as its column ("TimeZone").
 * - Settings are transactional as in PostgreSQL: SET inside a transaction that rolls back is undone,
 *   SET LOCAL lasts until the end of the transaction (transaction.ts keeps the snapshots).
 * - `reported` settings are sent to the client as ParameterStatus when they change.
 * - Unknown names are 42704 'unrecognized configuration parameter "x"'; read-only ones are 55P02.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';

export const SERVER_VERSION = '15.0 (stratadb 0.1.0)';
export const SERVER_VERSION_NUM = '150000';

interface SettingDef {
  readonly name: string;
  readonly initial: string;
  readonly reported: boolean;
  readonly readOnly: boolean;
  /** Canonicalizes a value (throws SqlError on a bad one). */
  readonly normalize?: (value: string) => string;
}

function bool(name: string): (value: string) => string {
  return (value) => {
    const v = value.toLowerCase();
    if (['on', 'true', 'yes', '1', 't', 'y'].includes(v)) return 'on';
    if (['off', 'false', 'no', '0', 'f', 'n'].includes(v)) return 'off';
    throw new SqlError(SQLSTATE.invalidParameterValue, `parameter "${name}" requires a Boolean value`);
  };
}

function dateStyle(value: string): string {
  let format = 'ISO';
  let order = 'MDY';
  for (const part of value.split(',').map((p) => p.trim().toLowerCase())) {
    if (part === 'iso') format = 'ISO';
    else if (part === 'sql') format = 'SQL';
    else if (part === 'postgres') format = 'Postgres';
    else if (part === 'german') format = 'German';
    else if (part === 'mdy' || part === 'us' || part === 'noneuropean') order = 'MDY';
    else if (part === 'dmy' || part === 'euro' || part === 'european') order = 'DMY';
    else if (part === 'ymd') order = 'YMD';
    else throw new SqlError(SQLSTATE.invalidParameterValue, `invalid value for parameter "DateStyle": "${value}"`);
  }
  return `${format}, ${order}`;
}

function isolation(value: string): string {
  const v = value.toLowerCase().replace(/\s+/g, ' ');
  if (['serializable', 'repeatable read', 'read committed', 'read uncommitted'].includes(v)) return v;
  throw new SqlError(SQLSTATE.invalidParameterValue, `invalid value for parameter "transaction_isolation": "${value}"`);
}

function clientEncoding(value: string): string {
  const v = value.toUpperCase().replace(/[-_]/g, '');
  if (v === 'UTF8' || v === 'UNICODE') return 'UTF8';
  if (v === 'SQLASCII') return 'SQL_ASCII';
  throw new SqlError(SQLSTATE.invalidParameterValue, `invalid value for parameter "client_encoding": "${value}"`);
}

/** Milliseconds as PostgreSQL shows them: 0, 1500ms, 5s, 2min, 3h, 1d. */
function formatMs(ms: number): string {
  if (ms === 0) return '0';
  const units: Array<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function msSetting(name: string): (value: string) => string {
  const parse = intSetting(name);
  return (value) => formatMs(Number(parse(value.replace(/(\d+)\s*(d|h)$/, (_m, n: string, u: string) => String(Number(n) * (u === 'd' ? 86_400_000 : 3_600_000))))));
}

/** Reads a duration setting's value back in milliseconds. */
export function settingMs(value: string): number {
  const m = /^(\d+)(ms|s|min|h|d)?$/.exec(value);
  if (m === null) return 0;
  const unit = m[2] === 's' ? 1000 : m[2] === 'min' ? 60_000 : m[2] === 'h' ? 3_600_000 : m[2] === 'd' ? 86_400_000 : 1;
  return Number(m[1]) * unit;
}

function intSetting(name: string): (value: string) => string {
  return (value) => {
    const n = Number.parseInt(value, 10);
    if (!Number.isFinite(n) || String(n) !== value.trim().replace(/^\+/, '')) {
      const m = /^\s*(\d+)\s*(ms|s|min)?\s*$/.exec(value);
      if (m === null) throw new SqlError(SQLSTATE.invalidParameterValue, `invalid value for parameter "${name}": "${value}"`);
      const unit = m[2] === 's' ? 1000 : m[2] === 'min' ? 60_000 : 1;
      return String(Number(m[1]) * unit);
    }
    return String(n);
  };
}

function heapOnly(value: string): string {
  if (value !== 'heap') throw new SqlError(SQLSTATE.invalidParameterValue, `invalid value for parameter "default_table_access_method": "${value}"`);
  return value;
}

const DEFS: readonly SettingDef[] = [
  { name: 'search_path', initial: '"$user", public', reported: false, readOnly: false },
  { name: 'TimeZone', initial: 'Etc/UTC', reported: true, readOnly: false },
  { name: 'DateStyle', initial: 'ISO, MDY', reported: true, readOnly: false, normalize: dateStyle },
  { name: 'IntervalStyle', initial: 'postgres', reported: true, readOnly: false },
  { name: 'client_encoding', initial: 'UTF8', reported: true, readOnly: false, normalize: clientEncoding },
  { name: 'server_encoding', initial: 'UTF8', reported: true, readOnly: true },
  { name: 'server_version', initial: SERVER_VERSION, reported: true, readOnly: true },
  { name: 'server_version_num', initial: SERVER_VERSION_NUM, reported: false, readOnly: true },
  { name: 'integer_datetimes', initial: 'on', reported: true, readOnly: true },
  { name: 'standard_conforming_strings', initial: 'on', reported: true, readOnly: false, normalize: bool('standard_conforming_strings') },
  { name: 'application_name', initial: '', reported: true, readOnly: false },
  { name: 'is_superuser', initial: 'on', reported: true, readOnly: true },
  { name: 'session_authorization', initial: '', reported: true, readOnly: true },
  { name: 'default_transaction_read_only', initial: 'off', reported: true, readOnly: false, normalize: bool('default_transaction_read_only') },
  { name: 'in_hot_standby', initial: 'off', reported: true, readOnly: true },
  { name: 'statement_timeout', initial: '0', reported: false, readOnly: false, normalize: msSetting('statement_timeout') },
  { name: 'lock_timeout', initial: '0', reported: false, readOnly: false, normalize: msSetting('lock_timeout') },
  { name: 'idle_in_transaction_session_timeout', initial: '0', reported: false, readOnly: false, normalize: msSetting('idle_in_transaction_session_timeout') },
  { name: 'extra_float_digits', initial: '1', reported: false, readOnly: false, normalize: intSetting('extra_float_digits') },
  { name: 'transaction_isolation', initial: 'read committed', reported: false, readOnly: false, normalize: isolation },
  { name: 'default_transaction_isolation', initial: 'read committed', reported: false, readOnly: false, normalize: isolation },
  { name: 'transaction_read_only', initial: 'off', reported: false, readOnly: false, normalize: bool('transaction_read_only') },
  { name: 'client_min_messages', initial: 'notice', reported: false, readOnly: false },
  { name: 'max_identifier_length', initial: '63', reported: false, readOnly: true },
  { name: 'lc_messages', initial: 'C', reported: false, readOnly: false },
  { name: 'lc_monetary', initial: 'C', reported: false, readOnly: false },
  { name: 'lc_numeric', initial: 'C', reported: false, readOnly: false },
  { name: 'lc_time', initial: 'C', reported: false, readOnly: false },
  { name: 'lc_collate', initial: 'C', reported: false, readOnly: true },
  { name: 'lc_ctype', initial: 'C', reported: false, readOnly: true },
  { name: 'bytea_output', initial: 'hex', reported: false, readOnly: false },
  { name: 'row_security', initial: 'on', reported: false, readOnly: false, normalize: bool('row_security') },
  { name: 'synchronize_seqscans', initial: 'on', reported: false, readOnly: false, normalize: bool('synchronize_seqscans') },
  { name: 'synchronous_commit', initial: 'on', reported: false, readOnly: false },
  { name: 'max_connections', initial: '100', reported: false, readOnly: true },
  { name: 'password_encryption', initial: 'scram-sha-256', reported: false, readOnly: false },
  { name: 'default_text_search_config', initial: 'pg_catalog.english', reported: false, readOnly: false },
  { name: 'check_function_bodies', initial: 'on', reported: false, readOnly: false, normalize: bool('check_function_bodies') },
  { name: 'xmloption', initial: 'content', reported: false, readOnly: false },
  { name: 'escape_string_warning', initial: 'on', reported: false, readOnly: false, normalize: bool('escape_string_warning') },
  { name: 'timezone_abbreviations', initial: 'Default', reported: false, readOnly: false },
  { name: 'block_size', initial: '8192', reported: false, readOnly: true },
  { name: 'work_mem', initial: '4MB', reported: false, readOnly: false },
  { name: 'default_tablespace', initial: '', reported: false, readOnly: false },
  { name: 'default_table_access_method', initial: 'heap', reported: false, readOnly: false, normalize: heapOnly },
];

const BY_LOWER = new Map(DEFS.map((d) => [d.name.toLowerCase(), d]));

function definition(name: string): SettingDef {
  const def = BY_LOWER.get(name.toLowerCase());
  if (def === undefined) {
    throw new SqlError(SQLSTATE.undefinedObject, `unrecognized configuration parameter "${name}"`);
  }
  return def;
}

/** The canonical spelling of a setting name, or undefined if unknown. */
export function canonicalSettingName(name: string): string | undefined {
  return BY_LOWER.get(name.toLowerCase())?.name;
}

export function allSettingNames(): string[] {
  return DEFS.map((d) => d.name);
}

/** takeChanges() when nothing changed (shared, never written). */
const NO_CHANGES = Object.freeze([]) as unknown as Array<[string, string]>;

/** One session's settings. */
export class Settings {
  private readonly values = new Map<string, string>();
  private readonly changed = new Set<string>();
  /** Bumped by every change, so callers can cache values derived from settings. */
  version = 0;

  constructor(initial: ReadonlyMap<string, string> = new Map()) {
    for (const d of DEFS) this.values.set(d.name, d.initial);
    for (const [name, value] of initial) this.set(name, value, true);
    this.changed.clear();
  }

  get(name: string): string {
    // Fast path: the canonical spelling (what the engine itself asks for).
    const direct = this.values.get(name);
    if (direct !== undefined) return direct;
    const def = definition(name);
    return this.values.get(def.name) ?? def.initial;
  }

  /** SET name = value; `internal` allows read-only ones (startup, session_authorization). */
  set(name: string, value: string, internal = false): void {
    if (internal && this.values.get(name) === value) return;
    const def = definition(name);
    if (def.readOnly && !internal) {
      throw new SqlError('55P02', `parameter "${def.name}" cannot be changed`);
    }
    const normalized = def.normalize === undefined ? value : def.normalize(value);
    if (this.values.get(def.name) === normalized) return;
    this.values.set(def.name, normalized);
    this.version++;
    if (def.reported) this.changed.add(def.name);
  }

  reset(name: string): void {
    const def = definition(name);
    this.set(def.name, def.initial, true);
  }

  resetAll(): void {
    for (const d of DEFS) if (!d.readOnly) this.set(d.name, d.initial, true);
  }

  /** A copy of every value (for transaction rollback). */
  snapshot(): Map<string, string> {
    return new Map(this.values);
  }

  restore(snapshot: ReadonlyMap<string, string>): void {
    for (const [name, value] of snapshot) this.set(name, value, true);
  }

  /** Reported settings that changed since the last call. */
  takeChanges(): Array<[string, string]> {
    if (this.changed.size === 0) return NO_CHANGES; // asked at every ReadyForQuery: mostly none
    const out: Array<[string, string]> = [];
    for (const name of this.changed) out.push([name, this.values.get(name) ?? '']);
    this.changed.clear();
    return out;
  }

  /** Reported settings with their values, in PostgreSQL's startup order. */
  reportedValues(): Array<[string, string]> {
    return DEFS.filter((d) => d.reported).map((d) => [d.name, this.values.get(d.name) ?? d.initial]);
  }

  /** search_path as a list of schema names ("$user" kept as is). */
  searchPath(): string[] {
    return splitSearchPath(this.get('search_path'));
  }
}

export function splitSearchPath(value: string): string[] {
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    out.push(part.startsWith('"') && part.endsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part.toLowerCase());
  }
  return out;
}
