/**
 * Builders of the lifecycle's Slack surfaces: within Slack's limits at their largest (the same
 * rules the fake Slack enforces), with the contract's button texts and the buttons that apply.
 */
import { loadPolicy } from '../../../config/policyFile';
import { keyActionPattern, keyRowBlockIds } from '../../../bot/ids';
import { buildAppHome, HOME_KEY_LIMIT } from '../../../bot/views/appHome';
import { buildExtendModal } from '../../../bot/views/extendModal';
import { buildKeyList, KEYS_PER_PAGE, pageCount } from '../../../bot/views/keyList';
import type { KeyRow } from '../../../bot/views/keyRows';
import { buildExpiryNotice, buildExtensionRefused, buildKeyExpired, buildKeyExtended, buildKeyKept, buildUnusedNotice } from '../../../bot/views/lifecycleNotices';
import { buildNoticeModal } from '../../../bot/views/noticeModal';
import { buildGraceExtended, buildGraceStarted, buildRotationAbandoned, buildRotationCancelled, buildRotationCheck, buildRotationFinished } from '../../../bot/views/rotationMessages';
import type { HomeData } from '../../../db/keyListing';
import { validateMessage, validateView } from '../../../playground/slack';

const { policy } = loadPolicy(undefined);
const DAY = 86_400_000;
const now = new Date('2027-03-01T12:00:00Z');
const asObj = (x: unknown) => JSON.parse(JSON.stringify(x)) as Record<string, unknown>;
const context = { now, expiringSoonSeconds: policy.notices.expiringSoon };

function row(i: number, overrides: Partial<KeyRow> = {}): KeyRow {
  return {
    id: `key_${String(i).padStart(16, '0')}`,
    // The longest name the form accepts, with characters mrkdwn must escape.
    name: `<${'n'.repeat(60)}>&${i}`.slice(0, 64),
    maskedKey: 'ko_live_…3f8a',
    environment: 'production',
    scopes: policy.scopes.map((s) => s.name),
    status: 'ACTIVE',
    createdAt: new Date(now.getTime() - 30 * DAY),
    expiresAt: new Date(now.getTime() + 60 * DAY),
    lastUsedAt: null,
    graceEndsAt: null,
    ...overrides,
  };
}

const buttons = (blocks: unknown[]): string[][] =>
  (blocks as Array<{ type: string; block_id?: string; elements?: Array<{ text: { text: string }; action_id: string }> }>)
    .filter((b) => b.type === 'actions' && b.block_id?.startsWith('keys.row.'))
    .map((b) => (b.elements ?? []).map((e) => e.text.text));

describe('key list', () => {
  it('fits a full page of the largest keys within one message', () => {
    const waiting = Array.from({ length: 10 }, () => ({ name: 'w'.repeat(64), environment: 'production', createdAt: now }));
    const list = buildKeyList({ ...context, ownerId: 'U1', viewerId: 'U1', rows: Array.from({ length: KEYS_PER_PAGE }, (_, i) => row(i)), page: 1, total: 500, waiting });
    expect(validateMessage(asObj(list))).toBeNull();
    expect(list.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(list.blocks)).toContain('Page 2 of 34');
    expect(JSON.stringify(list.blocks)).toContain('waiting for an approver');
    expect(JSON.stringify(list.blocks)).toContain('and 5 more');
    expect(JSON.stringify(list.blocks)).not.toContain('<nnn');
  });

  it('pages with Previous and Next only where there is a page to go to', () => {
    const labels = (page: number, total: number) =>
      JSON.stringify(buildKeyList({ ...context, ownerId: 'U1', viewerId: 'U1', rows: [row(0)], page, total }).blocks).match(/"text":"(Previous|Next)"/g) ?? [];
    expect(labels(0, 40)).toEqual(['"text":"Next"']);
    expect(labels(1, 40)).toEqual(['"text":"Previous"', '"text":"Next"']);
    expect(labels(2, 40)).toEqual(['"text":"Previous"']);
    expect(labels(0, 3)).toEqual([]);
    expect(pageCount(0)).toBe(1);
    expect(pageCount(KEYS_PER_PAGE + 1)).toBe(2);
  });

  it('shows the buttons that apply to each state', () => {
    const rows = [
      row(0),
      row(1, { status: 'PENDING_REVEAL', maskedKey: null }),
      row(2, { status: 'REVOKED' }),
      row(3, { expiresAt: new Date(now.getTime() - DAY) }),
      row(4, { graceEndsAt: new Date(now.getTime() + DAY) }),
    ];
    const list = buildKeyList({ ...context, ownerId: 'U1', viewerId: 'U1', rows, page: 0, total: rows.length });
    expect(buttons(list.blocks)).toEqual([['Rotate', 'Revoke', 'Extend', 'Usage'], ['Reveal key', 'Revoke'], ['Usage'], ['Usage'], ['Revoke', 'Usage']]);
    // Only the owner can reveal; an admin listing someone's keys sees Revoke alone on a pending one.
    const admins = buildKeyList({ ...context, ownerId: 'U1', viewerId: 'U0ADMIN', rows, page: 0, total: rows.length });
    expect(buttons(admins.blocks)[1]).toEqual(['Revoke']);
    // App Home's clicks carry no response_url to show a key through: no Reveal there.
    expect(buttons(buildAppHome({ ...context, data: { keys: [rows[1] as KeyRow], totalKeys: 1, counts: { active: 0, expiringSoon: 0, pending: 1 }, pendingRequests: [], approvals: [] } }).blocks)).toEqual([['Revoke']]);
    const text = JSON.stringify(list.blocks);
    expect(text).toContain('_not revealed yet_');
    expect(text).toContain('Being replaced by a rotation');
  });

  it('gives every button a per-row action id its listener matches, and the key id as value', () => {
    const list = buildKeyList({ ...context, ownerId: 'U1', viewerId: 'U1', rows: [row(0), row(1)], page: 0, total: 2 });
    const second = (list.blocks as Array<{ block_id?: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.block_id === keyRowBlockIds(1).actions);
    expect(second?.elements?.map((e) => e.action_id)).toEqual(['key.rotate.1', 'key.revoke.1', 'key.extend.1', 'key.usage.1']);
    expect(second?.elements?.every((e) => e.value === row(1).id)).toBe(true);
    expect(keyActionPattern('extendKey').test('key.extend.1')).toBe(true);
    expect(keyActionPattern('extendKey').test('key.extended')).toBe(false);
  });

  it('names whose keys they are when an admin lists someone else\'s', () => {
    expect(buildKeyList({ ...context, ownerId: 'U2', viewerId: 'U1', rows: [row(0)], page: 0, total: 1 }).text).toContain('Keys of <@U2>');
    expect(buildKeyList({ ...context, ownerId: 'U2', viewerId: 'U1', rows: [], page: 0, total: 0 }).text).toContain('<@U2> has no API keys');
  });
});

describe('App Home', () => {
  const data = (keys: number): HomeData => ({
    keys: Array.from({ length: keys }, (_, i) => row(i)),
    totalKeys: keys + 12,
    counts: { active: keys, expiringSoon: 2, pending: 1 },
    pendingRequests: Array.from({ length: 10 }, (_, i) => ({ id: `kr_${i}`, name: 'x'.repeat(64), environment: 'production', createdAt: now })),
    approvals: Array.from({ length: 10 }, (_, i) => ({ id: `kr_a${i}`, name: 'y'.repeat(64), environment: 'production', requesterId: 'U9', createdAt: now })),
  });

  it('fits the Home tab at its largest', () => {
    const view = buildAppHome({ ...context, data: data(HOME_KEY_LIMIT) });
    expect(validateView(asObj(view))).toBeNull();
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('12 more');
    expect(text).toContain('Approvals waiting for you');
    expect(text).toContain('(2 expiring soon)');
  });

  it('says so when there are no keys, and leaves out approvals for non-approvers', () => {
    const view = buildAppHome({ ...context, data: { keys: [], totalKeys: 0, counts: { active: 0, expiringSoon: 0, pending: 0 }, pendingRequests: [], approvals: [] } });
    expect(validateView(asObj(view))).toBeNull();
    expect(JSON.stringify(view.blocks)).toContain('You have no live keys');
    expect(JSON.stringify(view.blocks)).not.toContain('Approvals waiting');
  });
});

describe('lifecycle notices', () => {
  const key = { keyId: 'key_0123456789abcdef', name: 'Payments <prod> & co', maskedKey: 'ko_live_…3f8a', environment: 'production' };

  it('are valid Slack messages', () => {
    const messages = [
      buildExpiryNotice({ ...key, expiresAt: now, beforeSeconds: 3 * 86400 }),
      buildKeyExpired({ ...key, expiresAt: now }),
      buildUnusedNotice({ ...key, kind: 'never_used', since: now, lastUsedAt: null }),
      buildUnusedNotice({ ...key, kind: 'unused', since: now, lastUsedAt: now }),
      buildKeyKept({ ...key, actorId: 'U1', askAgainAt: now }),
      buildKeyExtended({ ...key, actorId: 'U1', from: now, to: now }),
      buildExtensionRefused({ ...key, refusal: 'NEEDS_APPROVAL' }),
    ];
    for (const message of messages) expect(validateMessage(asObj(message))).toBeNull();
  });

  it('offer Rotate and Extend before an expiry, Revoke and Keep for an unused key', () => {
    const texts = (m: { blocks: unknown[] }) => JSON.stringify(m.blocks).match(/"text":"(Rotate|Extend|Revoke|Keep)"/g);
    expect(texts(buildExpiryNotice({ ...key, expiresAt: now, beforeSeconds: 86400 }))).toEqual(['"text":"Rotate"', '"text":"Extend"']);
    expect(texts(buildUnusedNotice({ ...key, kind: 'unused', since: now, lastUsedAt: now }))).toEqual(['"text":"Revoke"', '"text":"Keep"']);
    expect(buildExpiryNotice({ ...key, expiresAt: now, beforeSeconds: 14 * 86400 }).text).toContain('expires in 14d');
  });
});

describe('rotation messages', () => {
  const pair = {
    old: { keyId: 'key_old0000000000000', name: 'Payments', maskedKey: 'ko_live_…old1', environment: 'production', lastUsedAt: new Date(now.getTime() - 30 * 60_000) },
    new: { keyId: 'key_new0000000000000', name: 'Payments', maskedKey: 'ko_live_…new1', environment: 'production', lastUsedAt: null },
  };

  it('are valid Slack messages', () => {
    const messages = [
      buildGraceStarted({ ...pair, keyId: pair.old.keyId, graceEndsAt: now }),
      buildRotationCheck({ ...pair, keyId: pair.old.keyId, graceEndsAt: now, now, extendBySeconds: 86400 }),
      buildRotationFinished({ ...pair, why: 'grace_ended', actorId: 'system' }),
      buildGraceExtended({ ...pair, actorId: 'U1', graceEndsAt: now }),
      buildRotationCancelled({ ...pair, actorId: 'U1' }),
      buildRotationAbandoned({ old: pair.old, outcome: 'window_closed' }),
    ];
    for (const message of messages) expect(validateMessage(asObj(message))).toBeNull();
  });

  it('show how both keys were used in the last hour, with the three choices', () => {
    const check = buildRotationCheck({ ...pair, keyId: pair.old.keyId, graceEndsAt: now, now, extendBySeconds: 86400 });
    const text = JSON.stringify(check.blocks);
    expect(text).toContain('(in the last hour)');
    expect(text).toContain('never used');
    const actions = check.blocks.find((b) => b.type === 'actions') as { elements: Array<{ text: { text: string }; confirm?: unknown }> };
    expect(actions.elements.map((e) => e.text.text)).toEqual(['Revoke old now', 'Extend grace', 'Cancel rotation']);
    // The two that cannot be undone ask first.
    expect(actions.elements.map((e) => e.confirm !== undefined)).toEqual([true, false, true]);
    expect(text).toContain(JSON.stringify(JSON.stringify({ keyId: pair.old.keyId, newKeyId: pair.new.keyId })).slice(1, -1));
  });
});

describe('modals', () => {
  it('Extend offers the choices within Slack\'s modal limits', () => {
    const view = buildExtendModal({ key: { id: 'key_0123456789abcdef', name: 'n'.repeat(64), maskedKey: null, environment: 'test', expiresAt: now }, choices: [{ lifetimeSeconds: 30 * 86400, expiresAt: now }, { lifetimeSeconds: 90 * 86400, expiresAt: now }], responseUrl: 'https://hooks.slack.com/actions/T/1/x' });
    expect(validateView(asObj(view))).toBeNull();
    expect(JSON.stringify(view.blocks)).toContain('"value":"90d"');
    expect(JSON.parse(view.private_metadata as string)).toEqual({ keyId: 'key_0123456789abcdef', responseUrl: 'https://hooks.slack.com/actions/T/1/x' });
  });

  it('a notice modal keeps its title within 24 characters', () => {
    expect(validateView(asObj(buildNoticeModal({ title: 'A title much longer than Slack allows', text: 'Hello' })))).toBeNull();
  });
});
