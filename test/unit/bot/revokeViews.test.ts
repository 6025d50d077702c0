import type { ModalView } from '@slack/types';
import type { KeyFacts } from '../../../db/revocations';
import { parseRevokeForm, parseRevokeMetadata } from '../../../bot/forms/revokeForm';
import { REVOKE_ACTION_RE, RevokeBlocks } from '../../../bot/ids';
import { buildHelp } from '../../../bot/views/help';
import { buildRevokeCandidates, buildRevokedNotice } from '../../../bot/views/revokeMessages';
import { buildBulkRevokeModal, buildRevocationDone, buildRevokeKeyModal, type RevokeModalMetadata } from '../../../bot/views/revokeModal';
import { validateMessage, validateView } from '../../../playground/slack';

let seq = 0;
function key(overrides: Partial<KeyFacts> = {}): KeyFacts {
  seq += 1;
  return {
    id: `key_${String(seq).padStart(16, '0')}`,
    ownerId: 'U0OWNER',
    name: `Service ${seq}`,
    environment: 'production',
    scopes: ['read'],
    status: 'ACTIVE',
    maskedKey: `ko_live_…${String(seq).padStart(4, '0')}`,
    lastUsedAt: null,
    expiresAt: new Date('2030-01-01T00:00:00Z'),
    revokedAt: null,
    revokedBy: null,
    revokedReason: null,
    revocationId: null,
    ...overrides,
  };
}

const metadata = (scope: RevokeModalMetadata['scope'], shownCount = 1): RevokeModalMetadata => ({ scope, channelId: 'C0CHAN', via: 'id', shownCount });
const text = (value: unknown): string => JSON.stringify(value);

describe('revocation views', () => {
  it('confirms one key with its facts, a required reason and metadata that parses back', () => {
    const k = key({ name: 'Billing <export>', lastUsedAt: new Date('2026-11-01T10:00:00Z'), scopes: ['read', 'billing:read'] });
    const view = buildRevokeKeyModal({ key: k, metadata: metadata({ kind: 'key', keyId: k.id }) });
    expect(validateView(view)).toBeNull();
    for (const fact of [k.maskedKey as string, '<@U0OWNER>', 'Billing &lt;export&gt;', 'production', '`billing:read`', '*Last used*', k.id]) expect(text(view.blocks)).toContain(fact);
    expect(view.blocks.find((b) => b.block_id === RevokeBlocks.reason)).toMatchObject({ type: 'input', label: { text: 'Reason' } });
    expect((view.blocks.find((b) => b.block_id === RevokeBlocks.reason) as { optional?: boolean }).optional).toBeUndefined();
    expect(parseRevokeMetadata(view.private_metadata as string)).toEqual(metadata({ kind: 'key', keyId: k.id }));
    expect(parseRevokeMetadata('{"scope":{"kind":"key","keyId":"nope"}}')).toBeNull();
  });

  it('confirms an environment with the count, a sample and the name to type', () => {
    const keys = Array.from({ length: 40 }, () => key());
    const view = buildBulkRevokeModal({ scope: { kind: 'environment', environment: 'production' }, count: 40, sample: keys.slice(0, 15), metadata: metadata({ kind: 'environment', environment: 'production' }, 40) });
    expect(validateView(view)).toBeNull();
    expect(text(view.blocks)).toContain('all 40 live keys');
    expect(text(view.blocks)).toContain('…and 25 more');
    expect((view as ModalView).submit?.text).toBe('Revoke 40 keys');
    expect(view.blocks.some((b) => b.block_id === RevokeBlocks.confirm)).toBe(true);
    const person = buildBulkRevokeModal({ scope: { kind: 'owner', ownerId: 'U0LEAVER' }, count: 1, sample: [key()], metadata: metadata({ kind: 'owner', ownerId: 'U0LEAVER' }) });
    expect(text(person.blocks)).toContain('all 1 live key* of <@U0LEAVER>');
    expect(person.blocks.some((b) => b.block_id === RevokeBlocks.confirm)).toBe(false);
  });

  it('reads the reason and, for an environment, the typed name', () => {
    const env = metadata({ kind: 'environment', environment: 'staging' });
    const state = (reason: string, confirm?: string) => ({ [RevokeBlocks.reason]: { [RevokeBlocks.reason]: { value: reason } }, ...(confirm === undefined ? {} : { [RevokeBlocks.confirm]: { [RevokeBlocks.confirm]: { value: confirm } } }) });
    expect(parseRevokeForm({ stateValues: state('  leaked  '), metadata: metadata({ kind: 'key', keyId: 'key_0000000000000001' }) })).toEqual({ ok: true, reason: 'leaked' });
    expect(parseRevokeForm({ stateValues: state(' '), metadata: env })).toEqual({ ok: false, errors: { [RevokeBlocks.reason]: expect.any(String), [RevokeBlocks.confirm]: expect.stringContaining('staging') } });
    expect(parseRevokeForm({ stateValues: state('leaked', 'staging'), metadata: env })).toEqual({ ok: true, reason: 'leaked' });
  });

  it('lists at most ten candidates, each with its own Revoke button', () => {
    const keys = Array.from({ length: 12 }, () => key({ maskedKey: 'ko_live_…aaaa' }));
    const message = buildRevokeCandidates({ maskedKey: 'ko_live_…aaaa', keys });
    expect(validateMessage(message as unknown as Record<string, unknown>)).toBeNull();
    const buttons = message.blocks.map((b) => (b as { accessory?: { action_id: string; value: string; text: { text: string } } }).accessory).filter((a) => a !== undefined);
    expect(buttons).toHaveLength(10);
    expect(new Set(buttons.map((b) => b.action_id)).size).toBe(10);
    expect(buttons.every((b) => REVOKE_ACTION_RE.test(b.action_id) && b.text.text === 'Revoke')).toBe(true);
    expect(buttons.map((b) => b.value)).toEqual(keys.slice(0, 10).map((k) => k.id));
    expect(text(message.blocks)).toContain('…and 2 more');
  });

  it('tells an owner who revoked which keys and why', () => {
    const one = buildRevokedNotice({ keys: [key({ name: 'Payments' })], actorId: 'U0PAGER', reason: 'Leaked <in> a gist' });
    expect(validateMessage(one as unknown as Record<string, unknown>)).toBeNull();
    expect(one.text).toContain('<@U0PAGER> revoked your key "Payments"');
    expect(text(one.blocks)).toContain('Leaked &lt;in&gt; a gist');
    const many = buildRevokedNotice({ keys: Array.from({ length: 25 }, () => key()), actorId: 'U0PAGER', reason: 'Offboarding' });
    expect(many.text).toContain('25 of your keys');
    expect(text(many.blocks)).toContain('…and 5 more');
  });

  it('says what was revoked, and when more keys were revoked than the confirmation showed', () => {
    const keys = [key({ ownerId: 'U0A' }), key({ ownerId: 'U0B' }), key({ ownerId: 'U0PAGER' })];
    const done = buildRevocationDone({ scope: { kind: 'environment', environment: 'production' }, keys, shownCount: 2, actorId: 'U0PAGER' });
    expect(validateView(done)).toBeNull();
    expect(text(done.blocks)).toContain('Revoked *3* keys in *production* (1 more than the confirmation showed');
    expect(text(done.blocks)).toContain('telling <@U0A>, <@U0B>');
    expect(text(done.blocks)).not.toContain('telling <@U0PAGER>');
    const nothing = buildRevocationDone({ scope: { kind: 'key', keyId: 'key_x' }, keys: [], shownCount: 1, actorId: 'U0PAGER', alreadyRevoked: key({ status: 'REVOKED', revokedBy: 'U0OTHER', revokedReason: 'done' }) });
    expect(text(nothing.blocks)).toContain('already revoked by <@U0OTHER>');
  });

  it('documents the emergency forms in the help, escaped for mrkdwn', () => {
    const help = buildHelp();
    expect(help.text).toContain('/apikey revoke @person');
    expect(help.text).toContain('/apikey revoke env:<environment>');
    expect(text(help.blocks)).toContain('revoke env:&lt;environment&gt;');
    expect(text(help.blocks)).not.toMatch(/<key>|<environment>/);
  });
});
