import { ActionIds, REVOKE_ACTION_RE } from '../../../bot/ids';
import { NOT_LIVE_TEXT, buildLeakAnnouncement, buildLeakOwnerNotice, buildLeakPosterNotice, type LeakedKey } from '../../../bot/views/leakMessages';
import { leakReason, type LeakPlace } from '../../../domain/leak';

const key: LeakedKey = { id: 'key_0123456789abcdef', name: 'Billing <export>', environment: 'production', maskedKey: 'ko_live_…3f8a', ownerId: 'U0OWNER' };
const paste: LeakPlace = { kind: 'slack', teamId: 'T1', channelId: 'C0GENERAL', channelType: 'channel', channelName: 'general', userId: 'U0ANA', userName: 'ana', messageTs: '1796034662.000100' };
const github: LeakPlace = { kind: 'github', url: 'https://github.com/acme/app/blob/abc/config.js#L3', source: 'content' };
const all = (m: { text: string; blocks: unknown[] }): string => m.text + JSON.stringify(m.blocks);
const buttons = (m: { blocks: unknown[] }): Array<{ action_id: string; text: { text: string }; value: string }> =>
  (m.blocks as Array<{ type: string; elements?: unknown[] }>).filter((b) => b.type === 'actions').flatMap((b) => b.elements as Array<{ action_id: string; text: { text: string }; value: string }>);

describe('leak reasons', () => {
  it('say where and by whom, as people read it', () => {
    expect(leakReason(paste)).toBe('pasted in #general by @ana');
    expect(leakReason({ ...paste, channelName: null, userName: null })).toBe('pasted in #C0GENERAL by @U0ANA');
    expect(leakReason({ ...paste, channelType: 'im' })).toBe('pasted in a direct message with keyops by @ana');
    expect(leakReason(github)).toBe('published at https://github.com/acme/app/blob/abc/config.js#L3 (GitHub secret scanning)');
  });
});

describe('leak messages', () => {
  it('offer the owner a replacement after a revocation, and on-call a Revoke button in notify mode', () => {
    const revoked = buildLeakOwnerNotice({ key, place: paste, action: 'revoke' });
    expect(buttons(revoked)).toEqual([expect.objectContaining({ action_id: ActionIds.replaceLeakedKey, text: expect.objectContaining({ text: 'Get a replacement' }), value: key.id })]);
    expect(all(revoked)).toContain('<#C0GENERAL>');
    expect(all(revoked)).toContain('Billing &lt;export&gt;');
    const notify = buildLeakAnnouncement({ key, place: github, action: 'notify' });
    expect(buttons(notify)).toEqual([expect.objectContaining({ text: expect.objectContaining({ text: 'Revoke' }), value: key.id })]);
    expect(buttons(notify)[0]?.action_id).toMatch(REVOKE_ACTION_RE);
    expect(buttons(buildLeakAnnouncement({ key, place: paste, action: 'revoke' }))).toEqual([]);
  });

  it('ask the poster to delete the message, naming the key only by its masked form', () => {
    for (const action of ['revoke', 'notify'] as const) {
      const notice = buildLeakPosterNotice({ key, action });
      expect(all(notice)).toContain('ko_live_…3f8a');
      expect(notice.text).toContain('Please delete your message');
    }
    expect(NOT_LIVE_TEXT).toContain('looks like a keyops key that is not live');
  });
});
