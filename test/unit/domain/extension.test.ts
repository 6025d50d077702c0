import { loadPolicy } from '../../../config/policyFile';
import { extensionChoices, planExtension, type ExtendableKey } from '../../../domain/extension';
import { keyDisplayStatus } from '../../../domain/keyStatus';

const { policy } = loadPolicy(undefined);
const DAY = 86_400_000;
const now = new Date('2027-01-01T00:00:00Z');
const key = (overrides: Partial<ExtendableKey> = {}): ExtendableKey => ({ status: 'ACTIVE', environment: 'test', scopes: ['read'], expiresAt: new Date(now.getTime() + 10 * DAY), ...overrides });

describe('extension', () => {
  it('offers the environment\'s lifetimes, from today, that end later than the key does now', () => {
    expect(extensionChoices({ policy, key: key(), now }).map((c) => c.lifetimeSeconds / 86400)).toEqual([30, 90]);
    expect(extensionChoices({ policy, key: key({ expiresAt: new Date(now.getTime() + 2 * DAY) }), now }).map((c) => c.lifetimeSeconds / 86400)).toEqual([7, 30, 90]);
    expect(extensionChoices({ policy, key: key({ expiresAt: new Date(now.getTime() + 95 * DAY) }), now })).toEqual([]);
  });

  it('moves the expiry to now + the chosen lifetime, never past the policy\'s longest', () => {
    expect(planExtension({ policy, key: key(), lifetimeSeconds: 90 * 86400, now })).toEqual({ ok: true, expiresAt: new Date(now.getTime() + 90 * DAY) });
    expect(planExtension({ policy, key: key(), lifetimeSeconds: 365 * 86400, now })).toEqual({ ok: false, refusal: 'NOT_ALLOWED' });
    expect(planExtension({ policy, key: key(), lifetimeSeconds: 7 * 86400, now })).toEqual({ ok: false, refusal: 'NOT_LATER' });
  });

  it('refuses keys that are not active, or that would need an approver', () => {
    expect(planExtension({ policy, key: key({ status: 'REVOKED' }), lifetimeSeconds: 30 * 86400, now })).toEqual({ ok: false, refusal: 'NOT_ACTIVE' });
    expect(planExtension({ policy, key: key({ expiresAt: new Date(now.getTime() - 1) }), lifetimeSeconds: 30 * 86400, now })).toEqual({ ok: false, refusal: 'NOT_ACTIVE' });
    expect(planExtension({ policy, key: key({ environment: 'production' }), lifetimeSeconds: 30 * 86400, now })).toEqual({ ok: false, refusal: 'NEEDS_APPROVAL' });
    expect(planExtension({ policy, key: key({ scopes: ['read', 'billing:read'] }), lifetimeSeconds: 30 * 86400, now })).toEqual({ ok: false, refusal: 'NEEDS_APPROVAL' });
    expect(planExtension({ policy, key: key({ environment: 'gone' }), lifetimeSeconds: 30 * 86400, now })).toEqual({ ok: false, refusal: 'UNKNOWN_ENVIRONMENT' });
  });
});

describe('key status as shown', () => {
  const at = (days: number) => new Date(now.getTime() + days * DAY);
  const show = (status: ExtendableKey['status'], days: number) => keyDisplayStatus({ status, expiresAt: at(days) }, { now, expiringSoonSeconds: 14 * 86400 });

  it('derives expiring soon and expired from the expiry', () => {
    expect(show('ACTIVE', 30)).toBe('active');
    expect(show('ACTIVE', 14)).toBe('expiring_soon');
    expect(show('ACTIVE', -1)).toBe('expired');
    expect(show('EXPIRED', 5)).toBe('expired');
    expect(show('REVOKED', 30)).toBe('revoked');
    expect(show('PENDING_REVEAL', 30)).toBe('pending');
  });
});
