/**
 * Prints seeded random expressions (numeric arithmetic, scales and transcendental functions;
 * date/time arithmetic, fields, truncation and formatting) for testdata/generated.txt:
 *   npx tsx test/sql/functions/generate-random.ts 11 > test/sql/functions/testdata/generated.txt
 * then generate-expected.ts records PostgreSQL 15's answers in generated.tsv.
 */
let seed = Number(process.argv[2] ?? 11);
const rnd = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const num = () => { const d = Math.floor(rnd() * 10 ** Math.floor(rnd() * 12)); const s = Math.floor(rnd() * 8); const str = String(d).padStart(s + 1, '0'); const v = s ? str.slice(0, -s) + '.' + str.slice(-s) : str; return (rnd() < 0.3 ? '-' : '') + v; };
const numeric: string[] = [];
for (let i = 0; i < 150; i++) {
  const a = num(), b = num();
  const t = pick(['numeric', 'float8', 'int8', 'int4', 'float4']);
  const cast = (x: string) => t === 'int8' || t === 'int4' ? `(${x.split('.')[0]})::${t}` : `(${x})::${t}`;
  numeric.push(pick([
    `${cast(a)} ${pick(['+', '-', '*', '/'])} ${cast(b)}`,
    `${cast(a)} % ${cast(b)}`,
    `sqrt(abs(${cast(a)}))`,
    `round(${a}::numeric, ${Math.floor(rnd() * 6) - 2})`,
    `ln(abs(${a}::numeric) + 1)`,
    `exp((${a})::numeric % 50)`,
    `power(abs(${a}::numeric) + 0.5, ${pick(['0.5', '1.5', '-0.25', '3', '2.75'])})`,
    `log(abs(${a}::numeric) + 2)`,
    `(${a})::float8::numeric`,
    `(${a})::numeric::float4`,
    `trunc(${a}::numeric, 2)`,
    `${cast(a)}::text`,
    `avg(x) FROM (VALUES (${a}::numeric),(${b}::numeric)) v(x)`,
    `stddev(x) FROM (VALUES (${a}::${t}),(${b}::${t}),(1::${t})) v(x)`,
  ]));
}
const int = (a: number, b: number) => a + Math.floor(rnd() * (b - a + 1));
const p2 = (n: number) => String(n).padStart(2, '0');
const ts = () => `${String(int(1, 2999)).padStart(4, '0')}-${p2(int(1, 12))}-${p2(int(1, 28))} ${p2(int(0, 23))}:${p2(int(0, 59))}:${p2(int(0, 59))}${rnd() < 0.5 ? '.' + int(0, 999999) : ''}`;
const iv = () => `${int(-30, 30)} years ${int(-30, 30)} mons ${int(-400, 400)} days ${int(-100, 100)}:${p2(int(0, 59))}:${p2(int(0, 59))}.${int(0, 999)}`;
const units = ['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade', 'century', 'millennium'];
const fields = [...units, 'epoch', 'dow', 'isodow', 'doy', 'isoyear', 'julian'];
const datetime: string[] = [];
for (let i = 0; i < 150; i++) {
  datetime.push(pick([
    `timestamp '${ts()}' + interval '${iv()}'`,
    `timestamp '${ts()}' - timestamp '${ts()}'`,
    `date_trunc('${pick(units)}', timestamp '${ts()}')`,
    `extract(${pick(fields)} from timestamp '${ts()}')`,
    `date_part('${pick(fields)}', timestamp '${ts()}')`,
    `age(timestamp '${ts()}', timestamp '${ts()}')`,
    `interval '${iv()}'`,
    `interval '${iv()}' * ${(rnd() * 10 - 5).toFixed(3)}`,
    `extract(${pick(['epoch', 'hour', 'minute', 'second', 'day', 'month', 'year'])} from interval '${iv()}')`,
    `to_char(timestamp '${ts()}', '${pick(['YYYY-MM-DD HH24:MI:SS.US', 'Dy DD Mon YYYY HH12:MI AM', 'IYYY-IW-ID DDD WW Q CC J', 'FMMonth FMDDth YYYY'])}')`,
    `(timestamp '${ts()}')::date - date '${ts().slice(0, 10)}'`,
    `timestamptz '${ts()}+${p2(int(0, 12))}' + interval '${int(-50, 50)} days'`,
    `justify_interval(interval '${iv()}')`,
  ]));
}

console.log('# Seeded random expressions from generate-random.ts; generated.tsv holds PostgreSQL 15\'s answers.');
console.log([...numeric, ...datetime].join('\n'));
