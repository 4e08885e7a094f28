/**
 * quoteIdentifier: an identifier as PostgreSQL's quote_identifier prints it in generated SQL
 * (pg_get_indexdef, pg_get_constraintdef, regclass output): bare when it is lower-case letters,
 * digits, '_' and '$' not starting with a digit and not a reserved keyword; double-quoted otherwise.
 */
const RESERVED = new Set(
  ('all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc ' +
    'distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral ' +
    'leading limit localtime localtimestamp not null offset on only or order placing primary references returning ' +
    'select session_user some symmetric table then to trailing true union unique user using variadic when where window with ' +
    'authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like ' +
    'natural notnull outer overlaps right similar tablesample verbose').split(' '),
);

export function quoteIdentifier(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}
