/**
 * Roles as the seed says, end to end: viewers look and change nothing (not even their own keys);
 * with `roles.developers` set only those listed may request keys; the hourly creation limit holds
 * against parallel submissions. Real Bolt, PostgreSQL and Temporal; Slack faked at its API.
 */
import { NewKeyBlocks } from '../../bot/ids';
import { lifetimeBlockId } from '../../bot/views/newKeyModal';
import { APP_ID, type FakeMessage } from '../../playground/slack';
import { viewJson } from '../../playground/slack/viewMethods';
import { buildStateValues } from '../../playground/slack/viewSubmission';
import { startHarness, type Harness } from '../support/keyopsHarness';

const VIEWER = 'U0VIEWER1';
const DEVELOPER = 'U0LISTED1'; // in S0DEVS
const HASTY = 'U0LISTED2'; // in S0DEVS
const LIMIT = 3;
const OUTSIDER = 'U0NOTDEV1'; // a full member, but not in roles.developers
const CHANNEL = 'C0ROLES';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    usergroups: { S0DEVS: [DEVELOPER, HASTY] },
    policy: (p) => ({ ...p, roles: { ...p.roles, viewers: [VIEWER], developers: ['S0DEVS'] }, limits: { keyRequestsPerUserPerHour: LIMIT } }),
  });
});
afterAll(async () => {
  await h?.stop();
});

const shown = (m: FakeMessage): string => `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;

async function command(userId: string, text: string): Promise<FakeMessage> {
  const seen = new Set(h.fake.ephemeralMessages({ userId }).map((m) => m.id));
  const ack = await h.driver.sendCommand({ userId, channelId: CHANNEL, text });
  expect(ack.status).toBe(200);
  return h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => !seen.has(m.id)));
}

describe('viewers', () => {
  it('cannot request, rotate, extend or revoke, not even their own keys, and are told why', async () => {
    const own = await h.seedKey({ ownerId: VIEWER, name: 'Viewer dashboard' });
    const refusal = /viewer in keyops: you can look at keys and their usage, but not (request|rotate|revoke|extend) them/;

    expect(shown(await command(VIEWER, 'new'))).toMatch(refusal);
    expect(h.fake.openViewFor(VIEWER)).toBeUndefined();
    expect(shown(await command(VIEWER, `rotate ${own.id}`))).toMatch(refusal);
    expect(shown(await command(VIEWER, `revoke ${own.maskedKey}`))).toMatch(refusal);
    expect(h.fake.openViewFor(VIEWER)).toBeUndefined();

    const list = await command(VIEWER, 'list');
    for (const button of ['Extend', 'Rotate', 'Revoke']) {
      const seen = new Set(h.fake.ephemeralMessages({ userId: VIEWER }).map((m) => m.id));
      await h.driver.clickButtonInMessage({ userId: VIEWER, message: list, actionText: button });
      const answer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: VIEWER }).find((m) => !seen.has(m.id) && refusal.test(shown(m))));
      expect(shown(answer)).toMatch(refusal);
    }
    expect(h.fake.openViewFor(VIEWER)).toBeUndefined();
    expect(await h.verify(own.key)).toMatchObject({ valid: true });
    expect(await h.db.auditEvent.findFirst({ where: { action: 'key.revoke_refused', actorId: VIEWER } })).not.toBeNull();
  });

  it('see any key, masked, and its usage', async () => {
    const other = await h.seedKey({ ownerId: DEVELOPER, name: 'Team billing sync' });
    const list = shown(await command(VIEWER, `list <@${DEVELOPER}>`));
    expect(list).toContain('Team billing sync');
    expect(list).toContain(other.maskedKey);
    expect(list).not.toContain(other.key);
    expect(shown(await command(VIEWER, `usage ${other.maskedKey}`))).toContain('Team billing sync');
  });
});

describe('roles.developers', () => {
  it('lets only the listed developers request keys', async () => {
    expect(shown(await command(OUTSIDER, 'new'))).toContain('Only the developers named in keyops\'s policy can request keys');
    expect(h.fake.openViewFor(OUTSIDER)).toBeUndefined();

    const ack = await h.driver.sendCommand({ userId: DEVELOPER, channelId: CHANNEL, text: 'new' });
    expect(ack.status).toBe(200);
    const modal = await h.fake.waitFor(() => h.fake.openViewFor(DEVELOPER));
    expect(JSON.stringify(modal.view)).toContain('"text":"Name"');
  });
});

describe('the hourly creation limit', () => {
  it('holds against ten submissions sent at once', async () => {
    await h.driver.sendCommand({ userId: HASTY, channelId: CHANNEL, text: 'new' });
    const view = await h.fake.waitFor(() => h.fake.openViewFor(HASTY));
    const values = buildStateValues(view, {
      [NewKeyBlocks.name]: 'Load test', [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '30d',
    });
    // What a script replaying the submission would send: ten views, signed, all at once.
    const submit = (i: number) => {
      const payload = {
        type: 'view_submission', team: { id: h.fake.teamId, domain: 'test' }, user: { id: HASTY, username: 'hasty', name: 'hasty', team_id: h.fake.teamId },
        api_app_id: APP_ID, token: 'forged', trigger_id: `1.2.${i}`, view: { ...viewJson(view, h.fake.teamId, values), id: `V0HASTY${i}` }, response_urls: [],
        is_enterprise_install: false, enterprise: null,
      };
      return h.driver.sendRaw({ body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString() });
    };
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => submit(i)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const refused = answers.filter((a) => a.body.includes(`the limit is ${LIMIT}`));
    expect(refused).toHaveLength(10 - LIMIT);
    // The accepted ones become requests: each is offered to its owner, the others never exist.
    await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: HASTY }).filter((m) => m.text.includes('Reveal it once')).length === LIMIT);
    expect(await h.db.keyRequest.count({ where: { requesterId: HASTY } })).toBe(LIMIT);
  });
});

describe('guests and other workspaces', () => {
  it('are refused everywhere, with a clear message, and audited', async () => {
    const guests = [['U0GUEST01', { restricted: true }], ['U0GUEST02', { ultraRestricted: true }], ['U0OTHERWS', { teamId: 'T0OTHER' }]] as const;
    for (const [userId, user] of guests) {
      h.fake.addUser(userId, user);
      const own = await h.seedKey({ ownerId: userId, name: 'Before they were a guest' });
      const expected = 'teamId' in user ? 'members of its own workspace only' : 'guests cannot use it';
      for (const text of ['new', 'list', `usage ${own.id}`, `revoke ${own.id}`]) expect(shown(await command(userId, text))).toContain(expected);
      expect(h.fake.openViewFor(userId)).toBeUndefined();
      await h.driver.sendEvent({ event: { type: 'app_home_opened', user: userId, channel: `D${userId.slice(1)}`, tab: 'home' } });
      const home = await h.fake.waitFor(() => h.fake.homeViewFor(userId));
      expect(JSON.stringify(home.blocks)).toContain(expected);
      expect(JSON.stringify(home.blocks)).not.toContain('Before they were a guest');
      expect(await h.verify(own.key)).toMatchObject({ valid: true });
      expect(await h.db.auditEvent.count({ where: { action: 'slack.refused', actorId: userId } })).toBeGreaterThan(0);
    }
  });
});
