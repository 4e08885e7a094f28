/**
 * A minimal data-driven test file format in the style of Pebble's `datadriven`:
 *
 *   # comments
 *   command arg=value ...
 *   input lines
 *   ----
 *   expected output lines
 *   <blank line ends the case>
 *
 * With REWRITE=1 in the environment, runDataDriven writes the actual outputs back into the file
 * instead of comparing (then review the diff).
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface DataDrivenCase {
  readonly line: number;
  readonly command: string;
  readonly args: ReadonlyMap<string, string>;
  readonly input: readonly string[];
  readonly expected: string;
}

interface ParsedCase extends DataDrivenCase {
  readonly startIndex: number;
  readonly endIndex: number;
}

function parse(lines: readonly string[]): ParsedCase[] {
  const cases: ParsedCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const header = (lines[i] as string).trim();
    if (header === '' || header.startsWith('#')) {
      i++;
      continue;
    }
    const startIndex = i;
    const [command = '', ...rest] = header.split(/\s+/);
    const args = new Map<string, string>();
    for (const arg of rest) {
      const eq = arg.indexOf('=');
      args.set(eq < 0 ? arg : arg.slice(0, eq), eq < 0 ? '' : arg.slice(eq + 1));
    }
    const input: string[] = [];
    i++;
    while (i < lines.length && (lines[i] as string).trim() !== '----') input.push((lines[i++] as string).trim());
    i++;
    const expected: string[] = [];
    while (i < lines.length && (lines[i] as string).trim() !== '') expected.push(lines[i++] as string);
    cases.push({ line: startIndex + 1, command, args, input, expected: expected.join('\n'), startIndex, endIndex: i });
  }
  return cases;
}

/** Runs every case of `path` through `run`; returns [case, actual] pairs for the caller to compare. */
export async function runDataDriven(
  path: string,
  run: (testCase: DataDrivenCase) => Promise<string>,
): Promise<Array<{ testCase: DataDrivenCase; actual: string }>> {
  const lines = readFileSync(path, 'utf8').split('\n');
  const cases = parse(lines);
  const results: Array<{ testCase: DataDrivenCase; actual: string }> = [];
  for (const testCase of cases) results.push({ testCase, actual: await run(testCase) });
  if (process.env['REWRITE'] === '1') {
    const out: string[] = [];
    let at = 0;
    for (const { testCase, actual } of results) {
      const parsed = testCase as ParsedCase;
      out.push(...lines.slice(at, parsed.startIndex + 1 + parsed.input.length + 1));
      if (actual !== '') out.push(...actual.split('\n'));
      at = parsed.endIndex;
    }
    out.push(...lines.slice(at));
    writeFileSync(path, out.join('\n'));
  }
  return results;
}
