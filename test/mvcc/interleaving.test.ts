/**
 * Acceptance 3: data-driven interleavings (testdata/*.txt) — lost update, write skew, read skew,
 * phantom — with the expected outcome per isolation level. Each file's comments cite what
 * PostgreSQL documents for the same schedule and say where stratadb differs.
 *
 * Commands: `run isolation=rc|rr|ser[,…]` followed by steps:
 *   init k=v …            committed before the schedule starts
 *   tN begin | commit | rollback
 *   tN get k | put k=v | delete k | scan [lo,hi) | count [lo,hi)
 *   tN lock k             Transaction.lockKey (SELECT … FOR UPDATE): granted, or waiting for
 *                         the holder (the schedule then locks again after the holder ends)
 *   read k                a fresh committed read after the schedule
 * Every step of tN is a statement (READ COMMITTED takes a new snapshot before it). Output lists
 * reads, commit results and errors ("40001"); a 40001 ends that transaction.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv, TxnKv, isSerializationFailure } from '../../src/mvcc/index.js';
import type { IsolationLevel, Transaction } from '../../src/mvcc/index.js';
import { fromUtf8, utf8 } from '../../src/util/index.js';
import { runDataDriven } from './datadriven.js';
import type { DataDrivenCase } from './datadriven.js';

const LEVELS: Record<string, IsolationLevel> = { rc: 'read committed', rr: 'repeatable read', ser: 'serializable' };
const TESTDATA = join(import.meta.dirname, 'testdata');

function rangeOf(text: string): { gte: Uint8Array; lt: Uint8Array } {
  const match = /^\[(.*),(.*)\)$/.exec(text);
  if (match === null) throw new Error(`bad range ${text}`);
  return { gte: utf8(match[1] as string), lt: utf8(match[2] as string) };
}

async function step(db: TxnKv, txns: Map<string, Transaction>, isolation: IsolationLevel, line: string): Promise<string | undefined> {
  const [who = '', verb = '', arg = ''] = line.split(/\s+/);
  if (who === 'init') {
    await db.transaction((txn) => {
      for (const pair of line.split(/\s+/).slice(1)) txn.put(utf8(pair.split('=')[0] as string), utf8(pair.split('=')[1] as string));
    });
    return undefined;
  }
  if (who === 'read') return `${line}: ${fromUtf8((await db.get(utf8(verb))) ?? utf8('<absent>'))}`;
  if (verb === 'begin') {
    txns.set(who, db.begin({ isolation }));
    return undefined;
  }
  const txn = txns.get(who);
  if (txn === undefined || txn.state !== 'active') return `${line}: <no active transaction>`;
  try {
    if (verb === 'commit') {
      await txn.commit();
      return `${line}: ok`;
    }
    if (verb === 'rollback') {
      txn.rollback();
      return undefined;
    }
    txn.newStatement();
    if (verb === 'get') return `${line}: ${fromUtf8(txn.get(utf8(arg)) ?? utf8('<absent>'))}`;
    if (verb === 'put') txn.put(utf8(arg.split('=')[0] as string), utf8(arg.split('=')[1] as string));
    else if (verb === 'delete') txn.delete(utf8(arg));
    else if (verb === 'lock') return `${line}: ${txn.lockKey(utf8(arg)) === undefined ? 'granted' : 'waiting'}`;
    else if (verb === 'scan') return `${line}: ${[...txn.scan(rangeOf(arg))].map((e) => `${fromUtf8(e.key)}=${fromUtf8(e.value)}`).join(' ')}`;
    else if (verb === 'count') return `${line}: ${[...txn.scan(rangeOf(arg))].length}`;
    else throw new Error(`unknown step ${line}`);
    return undefined;
  } catch (error) {
    if (!isSerializationFailure(error)) throw error;
    txn.rollback();
    return `${line}: 40001`;
  }
}

async function runCase(testCase: DataDrivenCase): Promise<string> {
  if (testCase.command !== 'run') throw new Error(`unknown command ${testCase.command}`);
  const levels = (testCase.args.get('isolation') ?? '').split(',');
  const outputs = new Set<string>();
  for (const level of levels) {
    const isolation = LEVELS[level];
    if (isolation === undefined) throw new Error(`unknown isolation ${level} at line ${testCase.line}`);
    const db = new TxnKv(new MemoryVersionedKv());
    const txns = new Map<string, Transaction>();
    const out: string[] = [];
    for (const line of testCase.input) {
      const result = await step(db, txns, isolation, line);
      if (result !== undefined) out.push(result);
    }
    outputs.add(out.join('\n'));
  }
  if (outputs.size !== 1) return `<levels disagree>\n${[...outputs].join('\n--\n')}`;
  return [...outputs][0] as string;
}

describe('interleavings (testdata)', () => {
  for (const file of readdirSync(TESTDATA).filter((name) => name.endsWith('.txt'))) {
    it(file, async () => {
      const results = await runDataDriven(join(TESTDATA, file), runCase);
      expect(results.length).toBeGreaterThan(0);
      if (process.env['REWRITE'] === '1') return; // the expectations were just rewritten: review the diff
      for (const { testCase, actual } of results) expect(actual, `${file}:${testCase.line}`).toBe(testCase.expected);
    });
  }
});
