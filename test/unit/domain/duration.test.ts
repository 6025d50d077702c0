import { durationSchema, formatDuration, parseDuration } from '../../../domain/duration';

describe('parseDuration', () => {
  it.each([
    ['30s', 30],
    ['10m', 600],
    ['24h', 86_400],
    ['7d', 604_800],
    ['1s', 1],
    ['90m', 5400],
    ['365d', 31_536_000],
    ['007m', 420],
    ['999999s', 999_999],
    // Surrounding whitespace is trimmed.
    [' 5m ', 300],
    ['\t2h\n', 7200],
  ])('%j is %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['0s', '0m', '000d', '1w', '1y', '', '   ', '10', 's', 'm5', '5 m', '5M', '5H', '-5m', '+5m', '1.5h', '1e3s', '5mm', '5m5s', '1000000s', 'five minutes', '５m'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [86_400, '1d'],
    [604_800, '7d'],
    [5400, '90m'],
    [3600, '1h'],
    [7200, '2h'],
    [90_000, '25h'],
    [600, '10m'],
    [30, '30s'],
    [61, '61s'],
  ])('%d seconds is %j', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('round-trips: parseDuration(formatDuration(s)) === s for every parsed duration', () => {
    const samples = ['30s', '10m', '24h', '7d', '60s', '60m', '24h', '48h', '120m', '3600s', '86399s', '999999s', '999999m', '999999h', '999999d', '1d'];
    for (const text of samples) {
      const seconds = parseDuration(text);
      expect(seconds).not.toBeNull();
      expect(parseDuration(formatDuration(seconds as number))).toBe(seconds);
    }
    const broken: string[] = [];
    for (let seconds = 1; seconds <= 200_000; seconds += 7) {
      if (parseDuration(formatDuration(seconds)) !== seconds) broken.push(`${seconds} -> ${formatDuration(seconds)}`);
    }
    expect(broken).toEqual([]);
  });

  it('normalises to the largest whole unit', () => {
    expect(formatDuration(parseDuration('60m') as number)).toBe('1h');
    expect(formatDuration(parseDuration('1440m') as number)).toBe('1d');
    expect(formatDuration(parseDuration('120s') as number)).toBe('2m');
  });
});

describe('durationSchema', () => {
  it('yields seconds', () => {
    expect(durationSchema.parse('24h')).toBe(86_400);
  });

  it('rejects a bad duration with a message that quotes it and shows the accepted forms', () => {
    const result = durationSchema.safeParse('30x');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('"30x"');
    expect(result.error?.issues[0]?.message).toMatch(/30s, 10m, 24h or 7d/);
    expect(durationSchema.safeParse(30).success).toBe(false);
  });
});
