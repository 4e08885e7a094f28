/**
 * PostgreSQL's server encodings by number (pg_encoding_to_char, pg_char_to_encoding): stratadb
 * stores text as UTF8 only, but clients' catalog queries translate encoding numbers and names.
 *
 * - Names are matched as PostgreSQL's clean_encoding_name does: case and non-alphanumerics ignored
 *   ('utf-8' is UTF8); of PostgreSQL's aliases only 'unicode' is known.
 */

/** Encoding names by number, PostgreSQL 15's pg_enc order (0 = SQL_ASCII … 41 = SHIFT_JIS_2004). */
const NAMES: readonly string[] = [
  'SQL_ASCII', 'EUC_JP', 'EUC_CN', 'EUC_KR', 'EUC_TW', 'EUC_JIS_2004', 'UTF8', 'MULE_INTERNAL', 'LATIN1', 'LATIN2', 'LATIN3',
  'LATIN4', 'LATIN5', 'LATIN6', 'LATIN7', 'LATIN8', 'LATIN9', 'LATIN10', 'WIN1256', 'WIN1258', 'WIN866', 'WIN874', 'KOI8R',
  'WIN1251', 'WIN1252', 'ISO_8859_5', 'ISO_8859_6', 'ISO_8859_7', 'ISO_8859_8', 'WIN1250', 'WIN1253', 'WIN1254', 'WIN1255',
  'WIN1257', 'KOI8U', 'SJIS', 'BIG5', 'GBK', 'UHC', 'GB18030', 'JOHAB', 'SHIFT_JIS_2004',
];

const clean = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const BY_CLEAN_NAME: ReadonlyMap<string, number> = new Map([...NAMES.map((n, i): [string, number] => [clean(n), i]), ['unicode', 6]]);

/** pg_encoding_to_char: the name of encoding `id`, '' for an unknown number. */
export function encodingName(id: number): string {
  return NAMES[id] ?? '';
}

/** pg_char_to_encoding: the number of an encoding name, -1 for an unknown one. */
export function encodingId(name: string): number {
  return BY_CLEAN_NAME.get(clean(name)) ?? -1;
}
