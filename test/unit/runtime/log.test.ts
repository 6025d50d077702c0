import { createLogger } from '../../../runtime/log';
import { handleWithRequestContext } from '../../../runtime/requestContext';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
  const lines: string[] = [];
  const log = createLogger({ name: 'keyops', level, sink: (l) => lines.push(l) });
  return { log, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger (pino)', () => {
  it('writes one JSON object a line: level, ISO time, logger name, message, fields', () => {
    const { log, parsed } = capture();
    log.info('keyops is ready', { url: 'http://127.0.0.1:3000' });
    expect(parsed()).toEqual([{ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), name: 'keyops', url: 'http://127.0.0.1:3000', msg: 'keyops is ready' }]);
  });

  it('names children by their own name once, and carries their fields', () => {
    const { log, parsed } = capture();
    log.child({ name: 'bot', fields: { workflowId: 'key-request-1' } }).child({ name: 'bolt' }).warn('slow');
    const [line] = parsed();
    expect(line).toMatchObject({ level: 'warn', name: 'bolt', workflowId: 'key-request-1', msg: 'slow' });
  });

  it('drops lines under its level', () => {
    const { log, parsed } = capture('warn');
    log.info('not shown');
    log.debug('not shown');
    log.error('shown', { error: new Error('boom') });
    expect(parsed()).toEqual([expect.objectContaining({ level: 'error', msg: 'shown', error: expect.objectContaining({ name: 'Error', message: 'boom' }) })]);
  });

  it('adds the request id to every line written while a request is handled', async () => {
    const { log, parsed } = capture();
    const res = Object.assign(new EventEmitter(), { statusCode: 200, setHeader: jest.fn() }) as unknown as ServerResponse;
    const req = { url: '/v1/keys/verify?x=secret', method: 'POST', headers: { 'x-request-id': 'req-abc.1' } } as unknown as IncomingMessage;
    await new Promise<void>((resolve) =>
      handleWithRequestContext({
        req,
        res,
        log,
        handle: () => void Promise.resolve().then(() => (log.info('inside'), res.emit('finish'), resolve())),
      }),
    );
    log.info('outside');
    expect(res.setHeader).toHaveBeenCalledWith('x-request-id', 'req-abc.1');
    const lines = parsed();
    expect(lines[0]).toMatchObject({ msg: 'inside', reqId: 'req-abc.1' });
    expect(lines[1]).toMatchObject({ msg: 'request', reqId: 'req-abc.1', method: 'POST', route: '/v1/keys/verify', status: 200 });
    expect(JSON.stringify(lines[1])).not.toContain('secret');
    expect(lines[2]).toMatchObject({ msg: 'outside' });
    expect(lines[2]).not.toHaveProperty('reqId');
  });

  it('makes up a request id when the caller sends none or an unusable one', () => {
    const { log } = capture();
    const res = Object.assign(new EventEmitter(), { statusCode: 200, setHeader: jest.fn() }) as unknown as ServerResponse;
    const req = { url: '/healthz', method: 'GET', headers: { 'x-request-id': 'bad id\nwith newline' } } as unknown as IncomingMessage;
    handleWithRequestContext({ req, res, log, handle: () => undefined });
    expect(res.setHeader).toHaveBeenCalledWith('x-request-id', expect.stringMatching(/^[0-9a-f-]{36}$/));
  });
});
