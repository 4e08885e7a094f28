/**
 * Sequence options (CREATE / ALTER SEQUENCE, SERIAL and identity columns): AS type, INCREMENT,
 * MINVALUE / MAXVALUE (and NO …), START, CACHE, [NO] CYCLE, OWNED BY, with PostgreSQL's defaults
 * and validation messages.
 */
import type { Node } from '../parse.js';
import type { SequenceDesc } from '../../catalog/descriptors.js';
import { OID } from '../../catalog/types/oids.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { defArgBigInt, defArgText, stringList } from '../bind/ast-util.js';
import { notSupported } from '../bind/bind-errors.js';
import { typeByName } from '../../catalog/types/type-registry.js';

const LIMITS: Record<number, [bigint, bigint]> = {
  [OID.int2]: [-32768n, 32767n],
  [OID.int4]: [-2147483648n, 2147483647n],
  [OID.int8]: [-(2n ** 63n), 2n ** 63n - 1n],
};

export interface SequenceSettings {
  typeOid: number;
  start: bigint;
  increment: bigint;
  min: bigint;
  max: bigint;
  cycle: boolean;
  /** OWNED BY table.column as name parts, or 'none'. */
  ownedBy: string[] | 'none' | undefined;
  /** RESTART [WITH n] (ALTER SEQUENCE): the value, or true for the start value. */
  restart: bigint | true | undefined;
}

/** Applies options over a base (an existing sequence for ALTER, defaults for CREATE). */
export function sequenceSettings(options: readonly Node[] | undefined, base?: SequenceDesc, defaultTypeOid: number = OID.int8): SequenceSettings {
  let typeOid = base?.typeOid ?? defaultTypeOid;
  let increment = base?.increment ?? 1n;
  let min: bigint | undefined | null = base?.min;
  let max: bigint | undefined | null = base?.max;
  let start: bigint | undefined = base?.start;
  let cycle = base?.cycle ?? false;
  let ownedBy: SequenceSettings['ownedBy'];
  let restart: SequenceSettings['restart'];
  for (const o of options ?? []) {
    const d = (o as { DefElem: { defname?: string; arg?: Node } }).DefElem;
    switch (d.defname) {
      case 'as': {
        const t = typeByName((defArgText(d.arg) ?? '').replace(/^pg_catalog\./, ''));
        if (t === undefined || LIMITS[t.oid] === undefined) throw new SqlError(SQLSTATE.invalidParameterValue, 'sequence type must be smallint, integer, or bigint');
        typeOid = t.oid;
        break;
      }
      case 'increment':
        increment = defArgBigInt(d.arg) ?? 1n;
        if (increment === 0n) throw new SqlError(SQLSTATE.invalidParameterValue, 'INCREMENT must not be zero');
        break;
      case 'minvalue':
        min = d.arg === undefined ? null : (defArgBigInt(d.arg) ?? null);
        break;
      case 'maxvalue':
        max = d.arg === undefined ? null : (defArgBigInt(d.arg) ?? null);
        break;
      case 'start':
        start = defArgBigInt(d.arg);
        break;
      case 'restart':
        restart = d.arg === undefined ? true : (defArgBigInt(d.arg) ?? true);
        break;
      case 'cache':
        break;
      case 'cycle':
        cycle = defArgText(d.arg) !== 'false' && defArgText(d.arg) !== '0';
        break;
      case 'owned_by': {
        const names = (d.arg !== undefined && 'List' in d.arg ? stringList(d.arg.List.items) : []);
        ownedBy = names.length === 1 && names[0] === 'none' ? 'none' : names;
        break;
      }
      case 'sequence_name':
        break;
      default:
        throw notSupported(`sequence option ${String(d.defname)}`);
    }
  }
  const [typeMin, typeMax] = LIMITS[typeOid] as [bigint, bigint];
  if (min === undefined || min === null) min = increment > 0n ? 1n : typeMin;
  if (max === undefined || max === null) max = increment > 0n ? typeMax : -1n;
  if (base !== undefined && base.typeOid !== typeOid && base.max === (LIMITS[base.typeOid] as [bigint, bigint])[1]) max = typeMax;
  start ??= increment > 0n ? min : max;
  if (min >= max) throw new SqlError(SQLSTATE.invalidParameterValue, `MINVALUE (${min}) must be less than MAXVALUE (${max})`);
  if (start < min) throw new SqlError(SQLSTATE.invalidParameterValue, `START value (${start}) cannot be less than MINVALUE (${min})`);
  if (start > max) throw new SqlError(SQLSTATE.invalidParameterValue, `START value (${start}) cannot be greater than MAXVALUE (${max})`);
  if (max > typeMax || min < typeMin) {
    const typeName = typeOid === OID.int2 ? 'smallint' : typeOid === OID.int4 ? 'integer' : 'bigint';
    throw new SqlError(SQLSTATE.invalidParameterValue, `MAXVALUE (${max}) is out of range for sequence data type ${typeName}`);
  }
  return { typeOid, start, increment, min, max, cycle, ownedBy, restart };
}
