import { readFileSync } from 'node:fs';
import { evaluateSql, init, CTX } from './expr-eval.js';
await init();
const want = new Map(readFileSync('test/sql/functions/testdata/expressions.tsv','utf8').split('\n').map(l => l.split('\t')).map(p => [p[0], p.slice(1).join(' | ')] as [string,string]));
for (const e of process.argv.slice(2)) {
  let got: string;
  try { const r = evaluateSql('SELECT ' + e); got = `ok | ${r.value === null ? '\\N' : r.type.toText(r.value, CTX)} | ${r.type.sqlName}`; } catch (x) { got = `error | ${(x as any).code} ${(x as Error).message}`; }
  console.log(e, '\n   want:', want.get(e), '\n   got: ', got);
}
