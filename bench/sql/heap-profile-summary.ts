/**
 * Summarizes a `.heapprofile` (from allocation-sampler.ts, `session-ycsb.ts heapprof=DIR`): the
 * bytes allocated per operation by each function of the repository, so an allocation can be
 * traced to the code that asked for it.
 *
 *   npx tsx bench/sql/heap-profile-summary.ts FILE.heapprofile OPERATIONS [--top 30]
 *
 * - "self" charges each sample to the innermost frame; "ours" to the innermost frame in `src/`
 *   (a Buffer or Map grown inside Node's code is charged to our line that called it); "inclusive"
 *   to every frame on the stack once.
 * - Line numbers are of the code V8 ran (under tsx, the transpiled code of each file).
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const [file, operationsArg] = process.argv.slice(2);
if (file === undefined || operationsArg === undefined) throw new Error('usage: heap-profile-summary.ts FILE.heapprofile OPERATIONS [--top N]');
const operations = Number(operationsArg);
const topAt = process.argv.indexOf('--top');
const TOP = topAt > 0 ? Number(process.argv[topAt + 1]) : 30;

function frameName(node: HeapNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const path = url.startsWith('file://') ? relative(REPO_ROOT, new URL(url).pathname) : url === '' ? '(native)' : url;
  return `${functionName === '' ? '(anonymous)' : functionName} ${path}:${lineNumber + 1}`;
}

const self = new Map<string, number>();
const ours = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;

function add(map: Map<string, number>, key: string, bytes: number): void {
  map.set(key, (map.get(key) ?? 0) + bytes);
}

function visit(node: HeapNode, stack: string[], oursAt: string | undefined): void {
  const name = frameName(node);
  const here = name.includes(' src/') ? name : oursAt;
  stack.push(name);
  if (node.selfSize > 0) {
    total += node.selfSize;
    add(self, name, node.selfSize);
    add(ours, here ?? '(outside src/)', node.selfSize);
    for (const frame of new Set(stack)) add(inclusive, frame, node.selfSize);
  }
  for (const child of node.children) visit(child, stack, here);
  stack.pop();
}

function print(title: string, map: Map<string, number>): void {
  console.log(`--- ${title}`);
  for (const [name, bytes] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`${(bytes / operations).toFixed(0).padStart(8)} B/op  ${name}`);
  }
}

visit((JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode }).head, [], undefined);
console.log(`total ${(total / operations).toFixed(0)} B/op over ${operations} operations`);
print('self', self);
print('ours (innermost frame in src/)', ours);
print('inclusive', inclusive);
