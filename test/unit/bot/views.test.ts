/**
 * Block Kit builders: within Slack's limits (checked by the same rules the fake Slack enforces),
 * and saying what the user must see.
 */
import { loadPolicy } from '../../../config/policyFile';
import { mintKey, parseKey } from '../../../domain/keyFormat';
import { maskKey } from '../../../domain/keyMask';
import { NewKeyBlocks } from '../../../bot/ids';
import { buildHelp } from '../../../bot/views/help';
import { buildNewKeyModal, lifetimeBlockId } from '../../../bot/views/newKeyModal';
import { buildMaskedAfterReveal, buildRevealedKey, buildRevealNotDelivered, buildRevealOffer, buildRevealWindowClosed } from '../../../bot/views/revealMessages';
import { validateMessage, validateView } from '../../../playground/slack';

const { policy } = loadPolicy(undefined);
const summary = { keyId: 'key_0123456789abcdef', name: 'Payments <prod> & co', environment: 'production', scopes: ['read', 'billing:read'] };
const asObj = (x: unknown) => JSON.parse(JSON.stringify(x)) as Record<string, unknown>;

describe('new-key modal', () => {
  it('fits Slack\'s modal limits for every environment', () => {
    for (const env of policy.environments) {
      const view = buildNewKeyModal({ policy, channelId: 'C0GENERAL', environment: env.name });
      expect(validateView(asObj(view))).toBeNull();
      expect(JSON.stringify(view)).toContain(lifetimeBlockId(env.name));
    }
  });

  it('pre-selects the default environment, its default lifetime and the default scopes', () => {
    const text = JSON.stringify(buildNewKeyModal({ policy, channelId: 'C0GENERAL' }));
    expect(text).toContain('"initial_option":{"text":{"type":"plain_text","text":"test"},"value":"test"}');
    expect(text).toContain('"initial_option":{"text":{"type":"plain_text","text":"30d"},"value":"30d"}');
    expect(text).toMatch(/"initial_options":\[\{"text":\{"type":"plain_text","text":"read: /);
    expect(JSON.parse(buildNewKeyModal({ policy, channelId: 'C0GENERAL' }).private_metadata as string)).toEqual({ channelId: 'C0GENERAL', environment: 'test' });
  });

  it('stays within Slack\'s limits with a large scope catalogue and long descriptions', () => {
    const big = { ...policy, scopes: Array.from({ length: 100 }, (_, i) => ({ name: `scope${i}`, description: 'd'.repeat(150), sensitive: i % 2 === 0 })) , defaultScopes: [] };
    expect(validateView(asObj(buildNewKeyModal({ policy: big, channelId: 'C0' })))).toBeNull();
  });

  it('keeps its field ids stable: the form parser and tests rely on them', () => {
    const ids = (buildNewKeyModal({ policy, channelId: 'C0' }).blocks as Array<{ block_id?: string }>).map((b) => b.block_id);
    expect(ids).toEqual([NewKeyBlocks.name, NewKeyBlocks.environment, NewKeyBlocks.scopes, lifetimeBlockId('test'), NewKeyBlocks.reason]);
  });
});

describe('reveal messages', () => {
  const plaintext = mintKey({ prefix: 'ko', envTag: 'live' });
  const parsed = parseKey(plaintext);
  const maskedKey = parsed.ok ? maskKey(parsed.key) : '';
  const expiresAt = new Date('2027-01-01T00:00:00Z');

  it('are valid Slack messages', () => {
    const messages = [
      buildRevealOffer({ ...summary, maskedPreview: 'ko_live_…????', lifetimeSeconds: 90 * 86400, revealWindowEndsAt: expiresAt }),
      buildRevealedKey({ ...summary, plaintext, maskedKey, expiresAt, displaySeconds: 120, exampleUrl: policy.quickStart.exampleUrl }),
      buildMaskedAfterReveal({ ...summary, maskedKey, expiresAt }),
      buildRevealWindowClosed(summary),
      buildRevealNotDelivered(summary),
      buildHelp(),
    ];
    for (const message of messages) expect(validateMessage(asObj(message))).toBeNull();
  });

  it('show the plaintext only in the reveal, in the code block and the three snippets', () => {
    const revealed = JSON.stringify(buildRevealedKey({ ...summary, plaintext, maskedKey, expiresAt, displaySeconds: 120, exampleUrl: policy.quickStart.exampleUrl }));
    expect(revealed.split(plaintext).length - 1).toBe(4);
    expect(revealed).toContain('shown only once');
    expect(JSON.stringify(buildMaskedAfterReveal({ ...summary, maskedKey, expiresAt }))).not.toContain(plaintext.slice(8, 30));
    expect(JSON.stringify(buildRevealOffer({ ...summary, maskedPreview: 'ko_live_…????', lifetimeSeconds: 86400, revealWindowEndsAt: expiresAt }))).not.toContain(plaintext.slice(8, 30));
  });

  it('a reveal that replaces a key keyops may have shown before a restart says which one no longer works', () => {
    const replacing = buildRevealedKey({ ...summary, plaintext, maskedKey, expiresAt, displaySeconds: 120, exampleUrl: policy.quickStart.exampleUrl, replaces: 'ko_live_…9zZz' });
    expect(validateMessage(asObj(replacing))).toBeNull();
    expect(JSON.stringify(replacing.blocks)).toContain('If you copied `ko_live_…9zZz`, discard it: it does not work');
    expect(JSON.stringify(buildRevealedKey({ ...summary, plaintext, maskedKey, expiresAt, displaySeconds: 120, exampleUrl: policy.quickStart.exampleUrl }).blocks)).not.toContain('restarted');
  });

  it('escape user text so a key name cannot inject mentions or links', () => {
    const text = JSON.stringify(buildMaskedAfterReveal({ ...summary, maskedKey, expiresAt }));
    expect(text).toContain('Payments &lt;prod&gt; &amp; co');
    expect(text).not.toContain('<prod>');
  });

  it('say how to recover a lost key after the display expires', () => {
    expect(buildMaskedAfterReveal({ ...summary, maskedKey, expiresAt }).text).toContain('shown once');
    expect(JSON.stringify(buildMaskedAfterReveal({ ...summary, maskedKey, expiresAt }).blocks)).toContain('/apikey rotate key_0123456789abcdef');
  });
});
