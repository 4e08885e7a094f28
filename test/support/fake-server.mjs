// A stand-in for the stratadb CLI in the harness's own tests: parses --data/--port/--host like the
// CLI, accepts TCP connections, writes a marker file into --data, and exits on SIGTERM, unless
// FAKE_IGNORE_SIGTERM=1 (to exercise the SIGKILL fallback) or FAKE_EXIT_AT_START=1 (a failed start).
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name) => args[args.indexOf(name) + 1];
if (process.env.FAKE_EXIT_AT_START === '1') {
  console.error('fake server: refusing to start');
  process.exit(3);
}
writeFileSync(join(option('--data'), 'marker'), args.join(' '));
const server = createServer((socket) => socket.end());
server.listen(Number(option('--port')), option('--host'), () => console.log('listening'));
process.on('SIGTERM', () => {
  if (process.env.FAKE_IGNORE_SIGTERM === '1') return;
  server.close(() => process.exit(0));
});
