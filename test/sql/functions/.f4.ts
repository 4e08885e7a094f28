import pg from 'pg';
import { FLOAT4, DEFAULT_TYPE_CONTEXT as ctx } from '../../../src/catalog/types/index.js';
const client = new pg.Client({ host: '127.0.0.1', port: 15477, user: 'postgres', types: { getTypeParser: () => (v: string) => v } });
await client.connect();
const vals: number[] = [];
const buf = new Float32Array(1); const u = new Uint32Array(buf.buffer);
let seed = 7;
for (let i = 0; i < 3000; i++) { seed = (seed * 1103515245 + 12345) % 2147483648; u[0] = (seed * 2 + (i & 1)) >>> 0; if (Number.isFinite(buf[0]!)) vals.push(buf[0]!); }
const r = await client.query({ text: `SELECT unnest($1::float8[])::float4::text`, values: [vals.map(String)], rowMode: 'array' });
let bad = 0;
r.rows.forEach((row, i) => { const ours = FLOAT4.toText(vals[i]!, ctx); if (ours !== row[0]) { bad++; if (bad < 10) console.log(vals[i], 'pg', row[0], 'us', ours); } });
console.log(vals.length, 'checked', bad, 'differ');
import { FLOAT8 } from '../../../src/catalog/types/index.js';
const doubles: number[] = [];
for (let i = 0; i < 3000; i++) { seed = (seed * 1103515245 + 12345) % 2147483648; const e = (seed % 600) - 300; doubles.push((seed / 2147483648 + 0.1) * 10 ** e * (i & 1 ? -1 : 1)); }
const r2 = await client.query({ text: `SELECT x::text FROM unnest($1::float8[]) x`, values: [doubles.map((d) => d.toExponential(16))], rowMode: 'array' });
let bad2 = 0;
r2.rows.forEach((row, i) => { const v = Number(doubles[i]!.toExponential(16)); const ours = FLOAT8.toText(v, ctx); if (ours !== row[0]) { bad2++; if (bad2 < 10) console.log('f8', v, 'pg', row[0], 'us', ours); } });
console.log(doubles.length, 'float8 checked', bad2, 'differ');
await client.end();
