/**
 * The logger factory: the only importer of pino (STYLE.md, Layout). Structured JSON to stderr;
 * every layer takes a `Logger` (or nothing) rather than importing pino itself.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Extra fields on every line (e.g. { component: 'server' }). */
  readonly base?: Record<string, unknown>;
  /** Where JSON lines go instead of stderr (tests capture logs with this). */
  readonly destination?: { write(line: string): void };
}

/** A JSON logger writing to stderr (fd 2), synchronous so lines are not lost on a crash. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    { level: options.level ?? 'info', base: options.base ?? {}, timestamp: pino.stdTimeFunctions.isoTime },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that drops everything (tests, embedded use without logging). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
