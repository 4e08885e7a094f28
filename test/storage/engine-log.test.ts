/**
 * Issue 10: the engine's log lines, through the structural `logger` option (a capturing logger
 * here; pino in the server). Each significant event has one line with its fields: open and
 * recovery (duration, counts), flush / compaction / GC start (debug) and end (info: bytes,
 * tables, duration), L0 stalls (start and end with the duration), disk full entered and left.
 */
import { describe, expect, it } from 'vitest';
import { Engine, FaultVfs, MemoryVfs, type EngineOptions } from '../../src/storage/index.js';
import { logGovernorAdjustment } from '../../src/storage/engine-events.js';
import { resolveOptions } from '../../src/storage/options.js';
import { enc } from './storage-helpers.js';

interface Line {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

function capture(): { lines: Line[]; logger: NonNullable<EngineOptions['logger']> } {
  const lines: Line[] = [];
  const at = (level: Line['level']) => (fields: Record<string, unknown>, message: string): void => void lines.push({ level, fields, message });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** The first line whose message starts with `prefix`, checked for its level and numeric fields. */
function line(lines: readonly Line[], prefix: string, level: Line['level'], numeric: readonly string[]): Line {
  const found = lines.find((l) => l.message.startsWith(prefix));
  expect(found, `a "${prefix}" line`).toBeDefined();
  const { fields } = found as Line;
  expect(found?.level, prefix).toBe(level);
  for (const name of numeric) expect(typeof fields[name], `${prefix}: ${name} in ${JSON.stringify(fields)}`).toBe('number');
  return found as Line;
}

const OPTIONS: EngineOptions = {
  valueThreshold: 100,
  memtableBytesMax: 4096,
  vlogSegmentBytesMax: 8192,
  tableBytesTarget: 2048,
  levelBaseBytes: 4096,
  l0CompactionTrigger: 2,
  l0SlowdownTrigger: 2,
  l0StopTrigger: 2,
  vlogGcThreshold: 0.3,
  flushInWorker: false,
};

const key = (i: number): Uint8Array => enc(`key-${String(i).padStart(5, '0')}`);

describe('engine log lines', () => {
  it('open, recovery, flush, compaction, GC and L0 stalls', async () => {
    const mem = new MemoryVfs();
    const { lines, logger } = capture();
    const engine = await Engine.open('/db', { ...OPTIONS, vfs: mem, logger });
    line(lines, 'storage engine recovered', 'info', ['durationMs', 'lastTs', 'replayedEntries', 'tables', 'vlogSegments']);
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 100; i++) await engine.commit([{ key: key(i), value: Buffer.alloc(i % 2 === 0 ? 300 : 20, round) }], engine.lastTs() + 1);
    }
    engine.setSafePoint(engine.visibleTs());
    await engine.compact();
    line(lines, 'flush start', 'debug', ['entries', 'memtableBytes']);
    line(lines, 'flush end', 'info', ['fileNumber', 'tableBytes', 'entries', 'durationMs']);
    line(lines, 'compaction start', 'debug', ['level', 'outputLevel', 'inputTables', 'inputBytes']);
    const compaction = line(lines, 'compaction end', 'info', ['level', 'outputLevel', 'inputTables', 'inputBytes', 'outputTables', 'outputBytes', 'durationMs']);
    expect(compaction.fields.inputTables).toBeGreaterThan(0);
    line(lines, 'gc start', 'debug', ['segment', 'segmentBytes']);
    const gc = line(lines, 'gc end', 'info', ['segment', 'liveBytes', 'garbageBytes', 'rewrittenBytes', 'durationMs']);
    expect((gc.fields.liveBytes as number) + (gc.fields.garbageBytes as number)).toBeGreaterThan(0);
    const stats = engine.stats();
    expect(stats.l0StopStalls).toBeGreaterThan(0);
    expect(lines.filter((l) => l.message.startsWith('write stall start: L0')).length).toBe(stats.l0StopStalls);
    line(lines, 'write stall start: L0', 'debug', ['l0Tables']);
    line(lines, 'write stall: L0', 'warn', ['stallMs', 'l0Tables']);
    await engine.commit([{ key: enc('unflushed'), value: enc('x') }], engine.lastTs() + 1);
    await engine.close();
    const again = capture();
    const reopened = await Engine.open('/db', { ...OPTIONS, vfs: mem, logger: again.logger });
    const recovered = line(again.lines, 'storage engine recovered', 'info', ['durationMs', 'replayedEntries', 'replayedLogSegments', 'tables']);
    expect(recovered.fields.replayedEntries).toBe(1);
    expect(recovered.fields.tables).toBeGreaterThan(0);
    await reopened.close();
  });

  it('disk full: entered at error, left at info with its duration, with retries logged', async () => {
    const fault = new FaultVfs(new MemoryVfs());
    const { lines, logger } = capture();
    const engine = await Engine.open('/db', { ...OPTIONS, vfs: fault, logger });
    fault.inject({ kind: 'write', nth: 1, errno: 'ENOSPC', pathIncludes: '.log' });
    await expect(engine.commit([{ key: enc('a'), value: enc('x') }], engine.lastTs() + 1)).rejects.toMatchObject({ errno: 'ENOSPC' });
    const entered = line(lines, 'disk full', 'error', []);
    expect(entered.fields).toMatchObject({ where: 'commit', errno: 'ENOSPC', operation: 'write' });
    expect(engine.stats()).toMatchObject({ diskFull: 1, diskFullEpisodes: 1, diskFullErrors: 1 });
    await engine.commit([{ key: enc('b'), value: enc('y') }], engine.lastTs() + 1);
    line(lines, 'disk space available again', 'info', ['durationMs', 'spaceErrors']);
    expect(engine.stats().diskFull).toBe(0);
    fault.inject({ kind: 'write', probability: 1, errno: 'ENOSPC', pathIncludes: '.sst' });
    await expect(engine.flush()).rejects.toMatchObject({ errno: 'ENOSPC' });
    expect(lines.filter((l) => l.message.startsWith('disk full')).at(-1)?.fields).toMatchObject({ where: 'flush' });
    line(lines, 'flush failed for lack of space: retrying', 'warn', ['retryMs']);
    fault.clearFaults();
    await engine.flush();
    expect(lines.filter((l) => l.message.startsWith('disk space available again')).at(-1)?.fields).toMatchObject({ where: 'flush' });
    await engine.close();
  });

  it('governor adjustments: an SLO violation at warn, other changes at info, with rates and p99', () => {
    const { lines, logger } = capture();
    const engineLogger = resolveOptions({ logger }).logger;
    const change = { signal: 'read' as const, rateBytesPerSecBefore: 1000, rateBytesPerSec: 500, foregroundUsP99: 3000.4, targetUsP99: 2000, baselineUsP99: 10.2 };
    logGovernorAdjustment(engineLogger, change);
    logGovernorAdjustment(engineLogger, { ...change, rateBytesPerSecBefore: 500, rateBytesPerSec: 625, foregroundUsP99: 900 });
    const lowered = line(lines, 'governor: foreground p99 over target', 'warn', ['rateBytesPerSecBefore', 'rateBytesPerSec', 'foregroundUsP99', 'targetUsP99']);
    expect(lowered.fields).toMatchObject({ rateBytesPerSec: 500, foregroundUsP99: 3000, baselineUsP99: 10 });
    const raised = line(lines, 'governor: background rate adjusted', 'info', ['rateBytesPerSec', 'foregroundUsP99']);
    expect(raised.fields).toMatchObject({ rateBytesPerSecBefore: 500, rateBytesPerSec: 625 });
  });

  it('a logger with warn only still gets errors (at warn); debug and info are dropped', () => {
    const warned: string[] = [];
    const engineLogger = resolveOptions({ logger: { warn: (_fields, message) => warned.push(message) } }).logger;
    engineLogger.debug({}, 'd');
    engineLogger.info({}, 'i');
    engineLogger.error({}, 'e');
    expect(warned).toEqual(['e']);
  });
});
