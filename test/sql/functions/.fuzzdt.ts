import pg from 'pg';
import { evaluateSql, init, CTX } from './expr-eval.js';
await init();
const client = new pg.Client({ host: '127.0.0.1', port: 15477, user: 'postgres', types: { getTypeParser: () => (v: string) => v } });
await client.connect();
await client.query("SET TimeZone='UTC'");
let seed = Number(process.argv[2] ?? 1);
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const int = (a: number, b: number) => a + Math.floor(rnd() * (b - a + 1));
const p2 = (n: number) => String(n).padStart(2, '0');
const ts = () => `${int(1, 2999)}-${p2(int(1, 12))}-${p2(int(1, 28))} ${p2(int(0, 23))}:${p2(int(0, 59))}:${p2(int(0, 59))}${rnd() < 0.5 ? '.' + int(0, 999999) : ''}`;
const iv = () => `${int(-30, 30)} years ${int(-30, 30)} mons ${int(-400, 400)} days ${int(-100, 100)}:${p2(int(0, 59))}:${p2(int(0, 59))}.${int(0, 999)}`;
const units = ['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade', 'century', 'millennium'];
const fields = [...units, 'epoch', 'dow', 'isodow', 'doy', 'isoyear', 'julian'];
const exprs: string[] = [];
for (let i = 0; i < 400; i++) {
  exprs.push(pick([
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
let bad = 0;
for (const e of exprs) {
  let want: string;
  try { const r = await client.query({ text: `SELECT ${e}, pg_typeof(${e})::text`, rowMode: 'array' }); const row = r.rows[0] as string[]; want = `${row[0]} ${row[1]}`; } catch (x) { want = `ERR ${(x as any).code}`; }
  let got: string;
  try { const r = evaluateSql('SELECT ' + e); got = `${r.value === null ? null : r.type.toText(r.value, CTX)} ${r.type.sqlName}`; } catch (x) { got = `ERR ${(x as any).code} ${(x as Error).message}`; }
  if (want !== got) { bad++; if (bad < 25) console.log(e, '\n  pg: ', want, '\n  us: ', got); }
}
console.log(`${exprs.length} checked, ${bad} differ`);
await client.end();
