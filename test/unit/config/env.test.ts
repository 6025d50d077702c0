import { ConfigError, parseEnv, requireEnv } from '../../../config/env';

function envError(source: Record<string, string>): string {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the environment to be rejected');
}

describe('parseEnv', () => {
  it('applies the documented defaults to an empty environment', () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.KEY_DISPLAY_SECONDS).toBe(120);
    expect(env.TEMPORAL_NAMESPACE).toBe('default');
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.SLACK_BOT_TOKEN).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('treats blank values as unset, PORT included (not port 0)', () => {
    const env = parseEnv({ PORT: '', KEY_DISPLAY_SECONDS: ' ', TEMPORAL_NAMESPACE: '  ', SLACK_BOT_TOKEN: '' });
    expect(env.PORT).toBe(3000);
    expect(env.KEY_DISPLAY_SECONDS).toBe(120);
    expect(env.TEMPORAL_NAMESPACE).toBe('default');
    expect(env.SLACK_BOT_TOKEN).toBeUndefined();
  });

  it('reads set values', () => {
    const env = parseEnv({
      PORT: '8080',
      TEMPORAL_NAMESPACE: 'keyops',
      SLACK_BOT_TOKEN: ' xoxb-123 ',
      SLACK_APP_TOKEN: 'xapp-1',
      DATABASE_URL: 'postgresql://u:p@localhost:5432/keyops',
      KEY_HASH_SECRET: 'k'.repeat(32),
      VERIFY_API_TOKEN: 'v'.repeat(16),
    });
    expect(env.PORT).toBe(8080);
    expect(env.TEMPORAL_NAMESPACE).toBe('keyops');
    expect(env.SLACK_BOT_TOKEN).toBe('xoxb-123');
    expect(env.KEY_HASH_SECRET).toBe('k'.repeat(32));
    expect(parseEnv({ PORT: '0' }).PORT).toBe(0);
  });

  it.each([
    ['90', 90],
    ['2m', 120],
    ['5', 5],
    ['1500', 1500],
    ['25m', 1500],
    [' 90 ', 90],
  ])('KEY_DISPLAY_SECONDS=%j is %d seconds', (value, seconds) => {
    expect(parseEnv({ KEY_DISPLAY_SECONDS: value }).KEY_DISPLAY_SECONDS).toBe(seconds);
  });

  it.each(['31m', 'abc', '1501', '4', '0', '1h', '-5', '2.5'])('KEY_DISPLAY_SECONDS=%j is rejected', (value) => {
    const message = envError({ KEY_DISPLAY_SECONDS: value });
    expect(message).toMatch(/^ {2}KEY_DISPLAY_SECONDS: must be between 5 and 1500 seconds/m);
  });

  it('takes REDIS_URL as a redis:// or rediss:// URL and refuses anything else', () => {
    expect(parseEnv({ REDIS_URL: 'rediss://cache.internal:6380/0' }).REDIS_URL).toBe('rediss://cache.internal:6380/0');
    expect(parseEnv({}).REDIS_URL).toBeUndefined();
    expect(envError({ REDIS_URL: 'http://cache.internal' })).toMatch(/^ {2}REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/m);
  });

  it.each(['abc', '70000', '-1', '80.5'])('PORT=%j is rejected', (value) => {
    expect(envError({ PORT: value })).toMatch(/^ {2}PORT: /m);
  });

  it('names every bad variable in one error, one line each', () => {
    const message = envError({
      PORT: 'abc',
      SLACK_BOT_TOKEN: 'nope',
      SLACK_APP_TOKEN: 'xoxb-not-an-app-token',
      DATABASE_URL: 'mysql://localhost/db',
      LOG_LEVEL: 'loud',
      KEY_DISPLAY_SECONDS: '31m',
    });
    for (const name of ['PORT', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'DATABASE_URL', 'LOG_LEVEL', 'KEY_DISPLAY_SECONDS']) {
      expect(message).toMatch(new RegExp(`^ {2}${name}: `, 'm'));
    }
    expect(message.split('\n').filter((line) => line.startsWith('  '))).toHaveLength(6);
  });

  it('never includes the secret values in the error', () => {
    const secrets = {
      KEY_HASH_SECRET: 'short',
      VERIFY_API_TOKEN: 'tiny-token-42',
      SLACK_BOT_TOKEN: 'xoxq-leaky-bot-token',
      SLACK_APP_TOKEN: 'xoxb-leaky-app-token',
      DATABASE_URL: 'mysql://admin:hunter2-db-pass@db.internal/keyops',
      SLACK_API_URL: 'not a url sekrit-url-part',
    };
    const message = envError(secrets);
    expect(message).toMatch(/^ {2}KEY_HASH_SECRET: must be at least 32 characters/m);
    expect(message).toMatch(/^ {2}VERIFY_API_TOKEN: must be at least 16 characters/m);
    expect(message).toMatch(/^ {2}SLACK_API_URL: /m);
    for (const value of Object.values(secrets)) expect(message).not.toContain(value);
    for (const fragment of ['short', 'tiny-token', 'leaky', 'hunter2', 'sekrit']) expect(message).not.toContain(fragment);
  });
});

describe('requireEnv', () => {
  it('passes when the names are set and lists every missing one otherwise', () => {
    const env = parseEnv({ DATABASE_URL: 'postgres://localhost/keyops' });
    expect(requireEnv(env, ['DATABASE_URL']).DATABASE_URL).toBe('postgres://localhost/keyops');
    expect(() => requireEnv(env, ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'KEY_HASH_SECRET'])).toThrow(
      /^missing environment variables:\n {2}TEMPORAL_ADDRESS: required\n {2}KEY_HASH_SECRET: required$/,
    );
  });
});
