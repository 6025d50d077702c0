/**
 * Structured JSON logs. Every line is one object with time, level, logger name and message, plus
 * ids (request, workflow) the caller adds. As a last line of defence, anything shaped like an API
 * key is replaced before it is written: keys must never reach a log.
 */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;
export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

const KEY_SHAPE_RE = /\b[a-z][a-z0-9]{1,11}_[a-z0-9]{1,8}_[0-9A-Za-z]{20,}_[0-9A-Za-z]{6}\b/g;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(options: { name?: string; fields?: LogFields }): Logger;
}

let defaultSink: LogSink = (line) => process.stdout.write(line + '\n');

/** Tests capture every log line of the process through this. */
export function setLogSink(sink: LogSink): void {
  defaultSink = sink;
}

export function createLogger(options: { name: string; level?: LogLevel; fields?: LogFields; sink?: LogSink }): Logger {
  const threshold = LEVELS[options.level ?? (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info'] ?? LEVELS.info;
  const write = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (LEVELS[level] < threshold) return;
    const entry = { time: new Date().toISOString(), level, name: options.name, msg: message, ...options.fields, ...fields };
    const line = JSON.stringify(entry, errorReplacer).replace(KEY_SHAPE_RE, '[redacted key]');
    (options.sink ?? defaultSink)(line);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (child) =>
      createLogger({ ...options, name: child.name ?? options.name, fields: { ...options.fields, ...child.fields } }),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }), stack: value.stack };
  }
  return value;
}
