/**
 * Logs through pino: one JSON object a line (time, level, logger name, message, the ids the caller
 * adds), or pino-pretty's lines when a person runs keyops in a terminal. The interface is
 * keyops's own (`log.info(message, fields)`), so call sites do not depend on pino's argument order.
 * Key redaction is pino's streamWrite hook: it sees the finished line, whatever field or nested
 * value a key hid in.
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import pinoPretty from 'pino-pretty';
import { redactKeys } from './keyRedaction';
import { currentRequestFields } from './requestContext';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(options: { name?: string; fields?: LogFields }): Logger;
}

let defaultSink: LogSink | null = null;

/** Tests capture every log line of the process through this. */
export function setLogSink(sink: LogSink): void {
  defaultSink = sink;
}

export function createLogger(options: { name: string; level?: LogLevel; fields?: LogFields; sink?: LogSink; pretty?: boolean }): Logger {
  const level = options.level ?? levelFromEnv();
  const root = pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: plainErrors },
      hooks: { streamWrite: redactKeys },
      mixin: currentRequestFields,
    },
    destinationFor(options),
  );
  return wrap(options.fields ? root.child(options.fields) : root, options.name);
}

function wrap(logger: PinoLogger, name: string): Logger {
  // The name travels with each line rather than as a pino binding: a child's name then replaces
  // its parent's instead of appearing twice in one JSON object.
  return {
    debug: (message, fields) => logger.debug({ name, ...fields }, message),
    info: (message, fields) => logger.info({ name, ...fields }, message),
    warn: (message, fields) => logger.warn({ name, ...fields }, message),
    error: (message, fields) => logger.error({ name, ...fields }, message),
    child: (child) => wrap(child.fields ? logger.child(child.fields) : logger, child.name ?? name),
  };
}

function destinationFor(options: { sink?: LogSink; pretty?: boolean }): DestinationStream {
  const sink = options.sink ?? defaultSink;
  if (sink) return { write: (line: string) => sink(line.endsWith('\n') ? line.slice(0, -1) : line) };
  // LOG_FORMAT=json|pretty overrides: a person at a terminal gets pretty lines, anything else JSON.
  const format = process.env.LOG_FORMAT;
  const pretty = options.pretty ?? (format === 'pretty' || (format !== 'json' && Boolean(process.stdout.isTTY)));
  if (pretty) return pinoPretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', messageKey: 'msg' });
  // Synchronous: a line logged just before process.exit (a failed start) must still be written.
  return pino.destination({ dest: 1, sync: true });
}

function levelFromEnv(): LogLevel {
  const level = process.env.LOG_LEVEL;
  return level === 'debug' || level === 'info' || level === 'warn' || level === 'error' ? level : 'info';
}

/** Errors anywhere at the top level of a line's fields become plain objects (pino only does `err`). */
function plainErrors(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(fields)) {
    if (!(value instanceof Error)) continue;
    out ??= { ...fields };
    out[key] = plainError(value);
  }
  return out ?? fields;
}

function plainError(error: Error): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? plainError(error.cause) : undefined;
  return { name: error.name, message: error.message, ...(code === undefined ? {} : { code }), stack: error.stack, ...(cause ? { cause } : {}) };
}
