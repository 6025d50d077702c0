import { boltLogger } from '../../../bot/boltLogger';
import { createLogger } from '../../../runtime/log';

describe("Bolt's logs in keyops's", () => {
  const lines: string[] = [];
  const bolt = boltLogger(createLogger({ name: 'bolt', level: 'debug', sink: (l) => lines.push(l) }));
  beforeEach(() => (lines.length = 0));

  it('never print a payload, at any level', () => {
    const body = { command: '/apikey', text: 'revoke key_1', response_url: 'https://hooks.slack.com/commands/T1/1/secret', trigger_id: '1.2.3' };
    bolt.debug(JSON.stringify(body));
    bolt.debug(`ack() call begins (body: ${JSON.stringify({ response_action: 'errors' })})`);
    bolt.debug(`http request body: ${JSON.stringify({ channel: 'C1', text: 'a message someone wrote' })}`);
    bolt.info(body);
    bolt.error(new Error('An API error occurred: invalid_auth'));
    const text = lines.join('\n');
    expect(text).not.toContain('hooks.slack.com');
    expect(text).not.toContain('trigger_id');
    expect(text).not.toContain('a message someone wrote');
    expect(text).toContain('ack() call begins (body: [payload omitted]');
    expect(text).toContain('http request body: [payload omitted]');
    expect(text).toContain('Error: An API error occurred: invalid_auth');
    expect(lines).toHaveLength(5);
  });
});
