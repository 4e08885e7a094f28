/**
 * The layering rule of DESIGN.md: imports point down the stack
 * wire → sql → catalog → mvcc → storage; src/util imports no layer.
 * A heavy dependency has one owning file (STYLE.md, Layout).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const RANK: Record<string, number> = { storage: 1, mvcc: 2, catalog: 3, sql: 4, wire: 5 };

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const pattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]/g;
  for (const match of text.matchAll(pattern)) specs.push((match[1] ?? match[2] ?? match[3]) as string);
  return specs;
}

function layerOf(path: string): string | undefined {
  const rel = relative(SRC, path);
  if (rel.startsWith('..')) return undefined;
  const top = rel.split(/[\\/]/)[0] as string;
  return top === 'util' || top in RANK ? top : undefined;
}

describe('layering', () => {
  const files = tsFiles(SRC);

  it('imports point down the stack and util imports no layer', () => {
    const violations: string[] = [];
    for (const file of files) {
      const mine = layerOf(file);
      if (mine === undefined) continue;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const theirs = layerOf(resolve(dirname(file), spec));
        if (theirs === undefined || theirs === mine) continue;
        const bad = mine === 'util' ? theirs !== 'util' : theirs !== 'util' && (RANK[theirs] as number) > (RANK[mine] as number);
        if (bad) violations.push(`${relative(ROOT, file)} imports ${spec} (${theirs} is above ${mine})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('heavy dependencies have one owning place', () => {
    const owners: Array<[RegExp, RegExp]> = [
      [/^libpg-query$/, /^src\/sql\/parse\.ts$/],
      [/^pino/, /^src\/util\/logger\.ts$/],
      [/^node:net$/, /^src\/wire\//],
      [/^node:fs(\/promises)?$/, /^src\/(storage\/vfs|cli\.ts|server\.ts)/],
    ];
    const violations: string[] = [];
    for (const file of files) {
      const rel = relative(ROOT, file).split('\\').join('/');
      for (const spec of importsOf(file)) {
        for (const [dep, owner] of owners) {
          if (dep.test(spec) && !owner.test(rel)) violations.push(`${rel} imports ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
