import pg from 'pg';
import { evaluateSql, init, CTX } from './expr-eval.js';
await init();
const client = new pg.Client({ host: '127.0.0.1', port: 15477, user: 'postgres', types: { getTypeParser: () => (v: string) => v } });
await client.connect();
await client.query("SET TimeZone='UTC'");
let seed = Number(process.argv[2] ?? 1);
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const num = () => { const d = Math.floor(rnd() * 10 ** Math.floor(rnd() * 12)); const s = Math.floor(rnd() * 8); const str = String(d).padStart(s + 1, '0'); const v = s ? str.slice(0, -s) + '.' + str.slice(-s) : str; return (rnd() < 0.3 ? '-' : '') + v; };
const exprs: string[] = [];
for (let i = 0; i < 400; i++) {
  const a = num(), b = num();
  const t = pick(['numeric', 'float8', 'int8', 'int4', 'float4']);
  const cast = (x: string) => t === 'int8' || t === 'int4' ? `(${x.split('.')[0]})::${t}` : `(${x})::${t}`;
  exprs.push(pick([
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
let bad = 0;
for (const e of exprs) {
  const from = e.indexOf(' FROM (');
  const head = from < 0 ? e : e.slice(0, from);
  const tail = from < 0 ? '' : e.slice(from);
  let want: string;
  try { const r = await client.query({ text: `SELECT ${head}, pg_typeof(${head})::text ${tail}`, rowMode: 'array' }); const row = r.rows[0] as string[]; want = `${row[0]} ${row[1]}`; } catch (x) { want = `ERR ${(x as any).code}`; }
  let got: string;
  try { const r = evaluateSql('SELECT ' + e); got = `${r.value === null ? null : r.type.toText(r.value, CTX)} ${r.type.sqlName}`; } catch (x) { got = `ERR ${(x as any).code}`; }
  if (want !== got) { bad++; if (bad < 40) console.log(e, '\n  pg: ', want, '\n  us: ', got); }
}
console.log(`${exprs.length} checked, ${bad} differ`);
await client.end();
