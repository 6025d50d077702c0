/**
 * Bolt's and its WebClient's logs, into keyops's. Their debug lines dump whole payloads (the
 * request body in developer mode, `ack() … (body: …)`, WebClient's `http request body: …` and
 * `http request result: …`): messages people typed, response_urls (which let anyone post into the
 * conversation for 30 minutes), views. Those are cut at the first `{` or `[` so that no level can
 * print a payload; the sentence before it, which says what happened, stays.
 */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../runtime/log';

const MAX_LENGTH = 300;

export function withoutPayload(parts: unknown[]): string {
  const text = parts.map((part) => (typeof part === 'string' ? part : part instanceof Error ? `${part.name}: ${part.message}` : '[payload omitted]')).join(' ');
  const cut = text.replace(/[{[][\s\S]*$/, '[payload omitted]');
  return cut.length > MAX_LENGTH ? `${cut.slice(0, MAX_LENGTH)}…` : cut;
}

export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...msg) => log.debug(withoutPayload(msg)),
    info: (...msg) => log.info(withoutPayload(msg)),
    warn: (...msg) => log.warn(withoutPayload(msg)),
    error: (...msg) => log.error(withoutPayload(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
