import { spawnSync } from 'node:child_process';
import { startPostgres } from '../support/postgres.js';
const pg = await startPostgres();
const sql = process.argv.slice(2).join(';\n');
const r = spawnSync('psql', ['-X', '-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', pg.database, '-c', sql], { encoding: 'utf8' });
console.log(r.stdout, r.stderr);
await pg.stop();
