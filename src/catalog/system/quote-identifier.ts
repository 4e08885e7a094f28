/**
 * quoteIdentifier: an identifier as PostgreSQL's quote_identifier prints it in generated SQL
 * (pg_get_indexdef, pg_get_constraintdef, regclass output): bare when it is lower-case letters,
 * digits, '_' and '$' not starting with a digit and not a keyword of PostgreSQL 15 other than an
 * unreserved one (reserved, type/function-name and column-name keywords, as pg_get_keywords()
 * lists them); double-quoted otherwise.
 */
const QUOTED_KEYWORDS = new Set(
  ('all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc ' +
    'distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral ' +
    'leading limit localtime localtimestamp not null offset on only or order placing primary references returning ' +
    'select session_user some symmetric table then to trailing true union unique user using variadic when where window with ' +
    'authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like ' +
    'natural notnull outer overlaps right similar tablesample verbose ' +
    'between bigint bit boolean char character coalesce dec decimal exists extract float greatest grouping inout int integer ' +
    'interval least national nchar none normalize nullif numeric out overlay position precision real row setof smallint ' +
    'substring time timestamp treat trim values varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces ' +
    'xmlparse xmlpi xmlroot xmlserialize xmltable').split(' '),
);

export function quoteIdentifier(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !QUOTED_KEYWORDS.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}
