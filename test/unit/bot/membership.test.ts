/**
 * Who may use keyops, as Slack says (users.info), cached for a minute: a person who keeps using
 * keyops is looked up again before the answer expires, in the background, so their requests never
 * wait for Slack; and no answer older than the cache's life is used.
 */
import { createMembershipCheck, type SlackMember } from '../../../bot/access/membership';
import { createLogger } from '../../../runtime/log';

const TEAM = 'T0TEST';
const log = createLogger({ name: 'test', level: 'error', sink: () => undefined });

function directory(members: Record<string, SlackMember>) {
  const asked: string[] = [];
  let answer: (() => void) | null = null;
  let hold = false;
  return {
    asked,
    /** From now on users.info answers only when `release()` is called. */
    holdAnswers: () => void (hold = true),
    release: () => answer?.(),
    memberOf: async (userId: string): Promise<SlackMember> => {
      asked.push(userId);
      if (hold) await new Promise<void>((resolve) => (answer = resolve));
      return members[userId] as SlackMember;
    },
    workspaceTeamId: async () => TEAM,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('membership check', () => {
  it('refreshes an answer in use before it expires, without making the request wait', async () => {
    let clock = 0;
    const members: Record<string, SlackMember> = { U0ANA: { teamId: TEAM, restricted: false, ultraRestricted: false } };
    const slack = directory(members);
    const check = createMembershipCheck({ directory: slack, log, ttlMs: 60_000, now: () => clock });
    expect(await check.refusalFor('U0ANA')).toBeNull();
    expect(slack.asked).toEqual(['U0ANA']);

    clock = 40_000;
    slack.holdAnswers();
    // Slack has not answered the refresh: the request is answered from the cache all the same.
    expect(await check.refusalFor('U0ANA')).toBeNull();
    expect(slack.asked).toEqual(['U0ANA', 'U0ANA']);

    // Ana became a guest meanwhile; the refresh (asked at 40 s) says so.
    members.U0ANA = { teamId: TEAM, restricted: true, ultraRestricted: false };
    slack.release();
    await settle();
    clock = 65_000;
    expect(await check.refusalFor('U0ANA')).toBe('GUEST');
    expect(slack.asked).toHaveLength(2);
  });

  it('never uses an answer older than its life: an idle person is looked up again before their request goes on', async () => {
    let clock = 0;
    const members: Record<string, SlackMember> = { U0BEN: { teamId: TEAM, restricted: false, ultraRestricted: false } };
    const slack = directory(members);
    const check = createMembershipCheck({ directory: slack, log, ttlMs: 60_000, now: () => clock });
    expect(await check.refusalFor('U0BEN')).toBeNull();
    members.U0BEN = { teamId: 'T0OTHER', restricted: false, ultraRestricted: false };
    clock = 61_000;
    expect(await check.refusalFor('U0BEN')).toBe('OTHER_WORKSPACE');
    expect(slack.asked).toEqual(['U0BEN', 'U0BEN']);
  });
});
