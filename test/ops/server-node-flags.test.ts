/**
 * The server's V8 flags (src/server-node-flags.ts) are passed everywhere the server is started:
 * the `stratadb` executable's shebang, `npm start` and the test harness; and node accepts them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../src/server-node-flags.js';
import { REPO_ROOT, stratadbCommand } from '../support/stratadb.js';

describe('server V8 flags', () => {
  it('the shebang, npm start and the test harness pass every flag', () => {
    const shebang = readFileSync(join(REPO_ROOT, 'src', 'cli.ts'), 'utf8').split('\n')[0] as string;
    const start = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start as string;
    expect(SERVER_NODE_FLAGS.length).toBeGreaterThan(0);
    for (const flag of SERVER_NODE_FLAGS) {
      expect(shebang.startsWith('#!/usr/bin/env -S node ') && shebang.split(' ').includes(flag), shebang).toBe(true);
      expect(start.split(' ').includes(flag), start).toBe(true);
      expect(stratadbCommand()).toContain(flag);
    }
  });

  it('node accepts them', () => {
    const result = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
