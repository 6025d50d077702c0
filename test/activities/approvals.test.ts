/**
 * The approval activities against the real PostgreSQL and the fake Slack (no Temporal): planning
 * with groups Slack cannot list, posting each message once however often an activity is retried,
 * the approvals channel with its thread, and updates that survive a deleted message.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createWorkerActivities, type Activities } from '../../activities';
import type { HomeRefresher } from '../../activities/home';
import { createSlackGateway } from '../../activities/slackGateway';
import { loadPolicy } from '../../config/policyFile';
import { createDb, type Db } from '../../db/client';
import type { ApprovalPlan, ApprovalSnapshot } from '../../domain/approval';
import type { Policy } from '../../domain/policy';
import { createLogger } from '../../runtime/log';
import type { KeyRequestInput } from '../../workflows/keyRequest';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { startFakeSlack, type ChannelMessage, type FakeSlack } from '../../playground/slack';
import { idleLifecycles } from '../support/lifecycles';

const base = loadPolicy(undefined).policy;
const log = createLogger({ name: 'test', sink: () => undefined });

let database: TestDatabase;
let db: Db;
let fake: FakeSlack;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ databaseUrl: database.url, maxConnections: 2 });
  fake = await startFakeSlack({ usergroups: { S0PLATFORM: ['U0ANA', 'U0BEN', 'U0REQ'] } });
});
afterAll(async () => {
  await Promise.all(homes.map((home) => home.drain()));
  await db?.$disconnect();
  await fake?.close();
  await database?.drop();
});

const homes: HomeRefresher[] = [];

function activitiesFor(policy: Policy): Activities {
  const slack = createSlackGateway({ botToken: fake.botToken, apiUrl: fake.apiUrl });
  const { activities, home } = createWorkerActivities({ db, slack, clock: () => new Date(), policy, keyHashSecret: 'x'.repeat(32), displaySeconds: 120, log, lifecycles: idleLifecycles });
  homes.push(home);
  return activities;
}

let seq = 0;
async function recordRequest(activities: Activities, overrides: Partial<KeyRequestInput> = {}): Promise<string> {
  seq += 1;
  const requestId = `kr_act${seq}`;
  await activities.recordKeyRequest({
    requestId, keyId: `key_act${String(seq).padStart(13, '0')}`, requesterId: 'U0REQ', channelId: 'C0GENERAL', name: `Activity ${seq}`, environment: 'production',
    scopes: ['read'], lifetimeSeconds: 90 * 86400, reason: 'Launch', needsApproval: true, revealWindowSeconds: 86400, displaySeconds: 120, source: 'test', ...overrides,
  });
  return requestId;
}

const plan = (activities: Activities, requestId: string, attempt = 1): Promise<ApprovalPlan> =>
  new MockActivityEnvironment({ attempt }).run(activities.planApproval, { requestId });

const pendingSnapshot: ApprovalSnapshot = { status: 'pending', approvals: [], denial: null, escalated: false, finishedAt: null };
const buttons = (m: ChannelMessage): number => m.blocks.filter((b) => b.type === 'actions').length;
const postsTo = (channelId: string) => fake.callsTo('chat.postMessage').filter((c) => c.response && (c.response as { channel?: string }).channel === channelId);

describe('planApproval', () => {
  it('expands the groups, leaves the requester out, and stores who may decide', async () => {
    const activities = activitiesFor(base);
    const requestId = await recordRequest(activities);
    const planned = await plan(activities, requestId);
    expect(planned.groups).toEqual([{ role: 'approvers', ids: ['S0PLATFORM'], members: ['U0ANA', 'U0BEN'], mandatory: true }]);
    expect(planned.escalation).toEqual({ ids: ['U0ADMIN'], members: ['U0ADMIN'] });
    expect((await db.keyRequest.findUniqueOrThrow({ where: { id: requestId } })).approverIds).toEqual(['U0ANA', 'U0BEN']);
  });

  it('fails closed on a group Slack cannot list: it retries first, then plans without its members', async () => {
    const activities = activitiesFor(base); // S0SECURITY does not exist in this Slack
    const requestId = await recordRequest(activities, { scopes: ['read', 'billing:read'] });
    const first = await plan(activities, requestId, 1).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ApplicationFailure);
    expect((first as ApplicationFailure).nonRetryable).toBe(false);
    const last = await plan(activities, requestId, 4);
    expect(last.unreadableGroups).toEqual(['S0SECURITY']);
    expect(last.groups.find((g) => g.role === 'sensitive')?.members).toEqual([]);
  });
});

describe('approval messages', () => {
  it('asks each approver once by DM, however often the activity is retried', async () => {
    const activities = activitiesFor(base);
    const requestId = await recordRequest(activities);
    const planned = await plan(activities, requestId);
    const before = fake.callsTo('chat.postMessage').length;
    await activities.askApprovers({ requestId, plan: planned });
    await activities.askApprovers({ requestId, plan: planned });
    expect(fake.callsTo('chat.postMessage').length - before).toBe(3); // Ana, Ben, and the requester's status
    expect(await db.approvalMessage.count({ where: { requestId } })).toBe(3);
    expect(await db.auditEvent.count({ where: { action: 'approval.requested', targetId: requestId } })).toBe(1);
  });

  it('updates the other messages when one was deleted', async () => {
    const activities = activitiesFor(base);
    const requestId = await recordRequest(activities);
    const planned = await plan(activities, requestId);
    await activities.askApprovers({ requestId, plan: planned });
    const [ana, ben] = ['D0ANA', 'D0BEN'].map((channelId) => fake.messages({ channelId }).find((m) => JSON.stringify(m.blocks).includes(requestId)) as ChannelMessage);
    fake.state.remove(ana as ChannelMessage);
    const approved: ApprovalSnapshot = { status: 'approved', approvals: [{ approverId: 'U0BEN', at: Date.now() }], denial: null, escalated: false, finishedAt: Date.now() };
    await activities.announceApproval({ requestId, plan: planned, snapshot: approved });
    expect(buttons(ben as ChannelMessage)).toBe(0);
    expect((ben as ChannelMessage).text).toContain('approved');
  });

  it('in the approvals channel: one post, reminders and the escalation in its thread, the outcome on the post', async () => {
    const policy = { ...base, approval: { ...base.approval, channel: 'C0APPROVALS' } };
    const activities = activitiesFor(policy);
    const requestId = await recordRequest(activities);
    const planned = await plan(activities, requestId);
    await activities.askApprovers({ requestId, plan: planned });
    const posts = fake.messages({ channelId: 'C0APPROVALS' });
    expect(posts).toHaveLength(1);
    const post = posts[0] as ChannelMessage;
    expect(buttons(post)).toBe(1);
    expect(JSON.stringify(post.blocks)).toContain('<!subteam^S0PLATFORM>');
    expect(fake.messages({ channelId: 'D0ANA' }).filter((m) => JSON.stringify(m.blocks).includes(requestId))).toHaveLength(0);

    await activities.remindApprovers({ requestId, plan: planned, round: 1, userIds: ['U0ANA', 'U0BEN'], waitedSeconds: 4 * 3600 });
    await activities.escalateApproval({ requestId, plan: planned, snapshot: pendingSnapshot, waitedSeconds: 24 * 3600 });
    const thread = fake.messages({ channelId: 'C0APPROVALS' }).filter((m) => m.threadTs === post.ts);
    expect(thread.map((m) => m.text)).toEqual([expect.stringContaining('Reminder for <@U0ANA> or <@U0BEN>'), expect.stringContaining('Escalated to <@U0ADMIN>')]);
    expect((await db.keyRequest.findUniqueOrThrow({ where: { id: requestId } })).approverIds).toEqual(['U0ANA', 'U0BEN', 'U0ADMIN']);

    const denied: ApprovalSnapshot = { status: 'denied', approvals: [], denial: { approverId: 'U0ADMIN', reason: 'Not this quarter', at: Date.now() }, escalated: true, finishedAt: Date.now() };
    await activities.announceApproval({ requestId, plan: planned, snapshot: denied });
    expect(buttons(post)).toBe(0);
    expect(JSON.stringify(post.blocks)).toContain('Not this quarter');
    expect(thread.every((m) => m.history.length === 1)).toBe(true);
    expect(postsTo('D0REQ').some((c) => JSON.stringify(c.args).includes('Not this quarter'))).toBe(true);
    const actions = (await db.auditEvent.findMany({ where: { targetId: requestId }, orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['key.requested', 'approval.requested', 'approval.reminded', 'approval.escalated']);
  });
});
