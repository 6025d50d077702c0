import { loadPolicy } from '../../../config/policyFile';
import { callerName, elapsedText, firstCallText, reportedErrorClass, type FirstCall } from '../../../domain/firstCall';
import { policySchema } from '../../../domain/policy';

const call = (overrides: Partial<FirstCall> = {}): FirstCall => ({ atMs: 14_000, revealedAtMs: 0, outcome: 'VALID', via: 'verify', caller: 'billing-api', reportedErrorClass: null, ...overrides });

describe('the first call, in words', () => {
  it('says how long after the reveal, what came back and from whom', () => {
    expect(firstCallText(call())).toBe('First call 14 s after reveal: 200 from `billing-api`');
    expect(firstCallText(call({ via: 'gateway', caller: null, reportedErrorClass: '5xx' }))).toBe('First call 14 s after reveal: 5xx (reported by the gateway) through gateway forward-auth');
    expect(firstCallText(call({ outcome: 'MISSING_SCOPE', caller: 'nginx' }))).toContain('403');
    expect(firstCallText(call({ caller: null }))).toContain('through `POST /v1/keys/verify`');
  });

  it('counts elapsed time in the unit a person would', () => {
    expect([59_400, 60_000, 3_540_000, 3_600_000, 7_500_000, 86_400_000, 3 * 86_400_000].map(elapsedText)).toEqual(['59 s', '1 min', '59 min', '1 h', '2 h 5 min', '1 day', '3 days']);
  });

  it('names a reported error class only when every report in the minute was one', () => {
    expect(reportedErrorClass({ reported: 0, errors4xx: 0, errors5xx: 0 })).toBeNull();
    expect(reportedErrorClass({ reported: 2, errors4xx: 0, errors5xx: 2 })).toBe('5xx');
    expect(reportedErrorClass({ reported: 1, errors4xx: 1, errors5xx: 0 })).toBe('4xx');
    expect(reportedErrorClass({ reported: 3, errors4xx: 0, errors5xx: 2 })).toBeNull();
    expect(reportedErrorClass({ reported: 2, errors4xx: 1, errors5xx: 1 })).toBeNull();
  });

  it('takes a caller name only when it is a short plain name', () => {
    expect(callerName(' nginx ')).toBe('nginx');
    expect(callerName('svc/billing@eu-1')).toBe('svc/billing@eu-1');
    expect(callerName('<!channel>')).toBeNull();
    expect(callerName('x'.repeat(65))).toBeNull();
    expect(callerName(undefined)).toBeNull();
  });
});

describe('policy firstCall.nudgeAfter', () => {
  const shipped = loadPolicy(undefined).policy;

  it('is an hour in the shipped policy, and may be a duration or false', () => {
    expect(shipped.firstCall.nudgeAfter).toBe(3600);
    // A policy written before the field existed nudges after an hour.
    expect(policySchema.shape.firstCall.parse(undefined)).toEqual({ nudgeAfter: 3600 });
    expect(policySchema.shape.firstCall.parse({ nudgeAfter: '30m' })).toEqual({ nudgeAfter: 1800 });
    expect(policySchema.shape.firstCall.parse({ nudgeAfter: false })).toEqual({ nudgeAfter: false });
  });

  it('refuses anything else', () => {
    for (const bad of [{ nudgeAfter: true }, { nudgeAfter: 'soon' }, { nudgeAfter: '1h', extra: 1 }]) expect(policySchema.shape.firstCall.safeParse(bad).success).toBe(false);
  });
});
