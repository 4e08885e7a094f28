/**
 * The stall log (src/util/stall-log.ts): a synchronous stretch of the event loop longer than the
 * threshold is logged once as a stall, with the busy time of the loop in it; stop() ends it; the
 * threshold is validated. (The stretch is made long enough that the tick after it is late by far
 * more than the threshold whatever the machine's load: the test waits for the line, not a time.)
 */
import { describe, expect, it } from 'vitest';
import { STALL_TICK_MS, startStallLog } from '../../src/util/stall-log.js';

interface Line {
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** Blocks the event loop for `ms` milliseconds of wall time. */
function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Busy on purpose: a synchronous stretch of the event loop.
  }
}

describe('stall log', () => {
  it('logs a synchronous stretch of the event loop as a stall with its busy time', async () => {
    const lines: Line[] = [];
    let seen = (): void => {};
    const stalled = new Promise<void>((resolve) => (seen = resolve));
    const log = startStallLog(
      {
        info(fields, message) {
          lines.push({ fields, message });
          if (message === 'event loop stall') seen();
        },
      },
      5,
    );
    blockFor(STALL_TICK_MS + 40);
    await stalled;
    log.stop();
    const stall = lines.find((line) => line.message === 'event loop stall');
    expect(stall?.fields.stallMs).toBeGreaterThanOrEqual(5);
    expect(stall?.fields.busyMs).toBeGreaterThan(0);
    for (const line of lines.filter((l) => l.message === 'gc pause')) expect(line.fields.pauseMs).toBeGreaterThanOrEqual(5);
  });

  it('rejects a threshold that is not above 0', () => {
    const logger = { info(): void {} };
    expect(() => startStallLog(logger, 0)).toThrow(RangeError);
    expect(() => startStallLog(logger, Number.NaN)).toThrow(RangeError);
  });
});
