/**
 * The approval journey end to end: a production key is asked for, every approver gets a DM with
 * Approve and Deny, decisions are answered at once and update every message in place, and an
 * approved key is delivered the self-service way (Reveal key, shown once). Real Bolt, PostgreSQL
 * and Temporal; Slack faked at its API, with the policy's approver groups as fake user groups.
 */
import { approvalActionId, DenyBlocks } from '../../bot/ids';
import { eventually } from '../support/eventually';
import type { FakeMessage } from '../../playground/slack';
import { startHarness, type Harness } from '../support/keyopsHarness';
import { approverMessage, askForKey, buttonLabels, dmOf, REQUEST_CHANNEL, requesterStatus, revealOffer, textOf } from '../support/approvalJourney';

const KEY_RE = /ko_live_[0-9A-Za-z]{26}_[0-9A-Za-z]{6}/;

let h: Harness;
beforeAll(async () => {
  // The shipped policy: production needs one of S0PLATFORM; billing:read also one of S0SECURITY.
  h = await startHarness({ usergroups: { S0PLATFORM: ['U0ANA', 'U0BEN', 'U0SELF'], S0SECURITY: ['U0SEC'] } });
});
afterAll(async () => {
  await h?.stop();
});

let seq = 0;
const newRequester = (): string => `U0REQ${String(++seq).padStart(3, '0')}`;

/** Clicks a request's button as `userId`, on `message` (which may not be theirs: a shared screen, a stale copy). */
function click(userId: string, message: FakeMessage, action: 'approveRequest' | 'denyRequest' | 'cancelRequest', requestId: string) {
  return h.driver.clickButton({ userId, channelId: message.channelId, actionId: approvalActionId(action, requestId), value: requestId, actionText: action, message: { ts: message.ts, ephemeral: message.kind === 'ephemeral' } });
}

function replyTo(userId: string, includes: string): Promise<FakeMessage> {
  return h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes(includes)));
}

const refusals = (requestId: string, actorId: string) =>
  h.db.auditEvent.findMany({ where: { action: 'approval.refused', targetId: requestId, actorId }, select: { details: true } }).then((rows) => rows.map((r) => (r.details as { why: string }).why));

describe('approvals', () => {
  it('asks every approver, approves in one click and delivers the key once, updating every message', async () => {
    const requester = newRequester();
    const requestId = await askForKey(h, { userId: requester, name: 'Checkout', reason: 'Launch of the checkout API' });

    const [ana, ben] = await Promise.all([approverMessage(h, 'U0ANA', requestId), approverMessage(h, 'U0BEN', requestId)]);
    for (const message of [ana, ben]) {
      expect(buttonLabels(message)).toEqual(['Approve', 'Deny']);
      const text = textOf(message);
      for (const expected of [`<@${requester}>`, 'Checkout', 'production', '`read`', '90d', 'Launch of the checkout API']) expect(text).toContain(expected);
    }
    const status = await requesterStatus(h, requester, requestId);
    expect(textOf(status)).toContain('<!subteam^S0PLATFORM>');
    expect(buttonLabels(status)).toEqual(['Cancel request']);

    await h.driver.clickButtonInMessage({ userId: 'U0ANA', message: ana, actionText: 'Approve' });
    expect((await replyTo('U0ANA', 'You approved "Checkout"')).text).toContain('They get their key now');

    // Delivery: the self-service Reveal offer in the channel the key was asked from; shown once.
    const offer = await revealOffer(h, requester);
    expect(offer.channelId).toBe(REQUEST_CHANNEL);
    await h.driver.clickButtonInMessage({ userId: requester, message: offer, actionText: 'Reveal key' });
    const revealed = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: requester }).find((m) => m.id === offer.id && KEY_RE.test(JSON.stringify(m.blocks))));
    const key = JSON.stringify(revealed.blocks).match(KEY_RE)?.[0] as string;
    expect(await h.verify(key)).toMatchObject({ valid: true, code: 'VALID', owner: requester, environment: 'production' });

    // Every approver message now shows the outcome and who decided, without buttons.
    for (const message of [ana, ben]) {
      await h.fake.waitFor(() => buttonLabels(message).length === 0 && textOf(message).includes('Approved'));
      expect(textOf(message)).toContain('<@U0ANA>');
    }
    await h.fake.waitFor(() => buttonLabels(status).length === 0 && textOf(status).includes('was approved'));

    const request = await h.db.keyRequest.findUniqueOrThrow({ where: { id: requestId }, include: { decisions: true, key: true } });
    expect(request).toMatchObject({ status: 'FULFILLED', decisions: [{ approverId: 'U0ANA', decision: 'APPROVE' }], key: { status: 'ACTIVE' } });
    const actions = (await h.db.auditEvent.findMany({ where: { targetId: { in: [requestId, request.key?.id as string] } }, orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['key.requested', 'approval.requested', 'approval.approved', 'request.approved', 'key.created', 'key.reveal_offered', 'key.revealed']));
    expect(actions.indexOf('approval.approved')).toBeLessThan(actions.indexOf('key.created'));
  });

  it('denies with a required reason, tells the requester why and closes every message', async () => {
    const requester = newRequester();
    const requestId = await askForKey(h, { userId: requester, name: 'Ledger export' });
    const [ana, ben] = await Promise.all([approverMessage(h, 'U0ANA', requestId), approverMessage(h, 'U0BEN', requestId)]);

    await h.driver.clickButtonInMessage({ userId: 'U0BEN', message: ben, actionText: 'Deny' });
    const modal = await h.fake.waitFor(() => h.fake.openViewFor('U0BEN'));
    expect(JSON.stringify(modal.blocks)).toContain('"text":"Reason"');
    const blank = await h.driver.submitView({ userId: 'U0BEN', view: modal, values: { [DenyBlocks.reason]: '   ' } });
    expect(blank.json).toMatchObject({ response_action: 'errors', errors: { [DenyBlocks.reason]: expect.stringContaining('Say why') } });
    const denied = await h.driver.submitView({ userId: 'U0BEN', view: modal, values: { [DenyBlocks.reason]: 'Use the staging key until the review is done.' } });
    expect(denied.json ?? {}).toEqual({});

    // A new message (an edit would not notify), besides the status message's update.
    const notice = await h.fake.waitFor(() => h.fake.messages({ channelId: dmOf(requester) }).find((m) => m.text.includes('was denied') && m.history.length === 1));
    expect(notice.text).toContain('Use the staging key until the review is done.');
    for (const message of [ana, ben]) {
      await h.fake.waitFor(() => buttonLabels(message).length === 0 && textOf(message).includes('Denied'));
      expect(textOf(message)).toContain('<@U0BEN>');
      expect(textOf(message)).toContain('Use the staging key until the review is done.');
    }
    expect(await h.db.keyRequest.findUniqueOrThrow({ where: { id: requestId }, include: { decisions: true } })).toMatchObject({
      status: 'DENIED',
      decisions: [{ approverId: 'U0BEN', decision: 'DENY', reason: 'Use the staging key until the review is done.' }],
    });
    expect(await h.db.apiKey.count({ where: { ownerId: requester } })).toBe(0);
    expect(h.fake.ephemeralMessages({ userId: requester }).filter((m) => m.text.includes('Reveal it once'))).toHaveLength(0);
    const audit = await h.db.auditEvent.findFirstOrThrow({ where: { action: 'approval.denied', targetId: requestId } });
    expect(audit).toMatchObject({ actorId: 'U0BEN', details: { reason: 'Use the staging key until the review is done.' } });
  });

  it('takes a Deny and an Approve while the worker is down: the modal answers in time, and both count when it is back', async () => {
    const denied = newRequester();
    const approved = newRequester();
    const denyId = await askForKey(h, { userId: denied, name: 'Worker away deny' });
    const approveId = await askForKey(h, { userId: approved, name: 'Worker away approve' });
    const ben = await approverMessage(h, 'U0BEN', denyId);
    const ana = await approverMessage(h, 'U0ANA', approveId);
    await h.driver.clickButtonInMessage({ userId: 'U0BEN', message: ben, actionText: 'Deny' });
    const modal = await h.fake.waitFor(() => h.fake.openViewFor('U0BEN'));

    await h.stopWorker();
    try {
      const submitted = await h.driver.submitView({ userId: 'U0BEN', view: modal, values: { [DenyBlocks.reason]: 'Not during the change freeze.' } });
      // Answered within Slack's 3 seconds (the fake drops a later answer, as Slack does).
      expect(submitted.late).toBeUndefined();
      expect(submitted.json).toMatchObject({ response_action: 'update' });
      expect(JSON.stringify(h.fake.openViewFor('U0BEN')?.blocks)).toContain('Recording your denial');
      const click = await h.driver.clickButtonInMessage({ userId: 'U0ANA', message: ana, actionText: 'Approve' });
      expect(click.status).toBe(200);
    } finally {
      await h.startWorker();
    }

    await h.fake.waitFor(() => JSON.stringify(h.fake.openViewFor('U0BEN')?.blocks ?? []).includes('Denied.') || undefined, { timeoutMs: 60_000 });
    expect((await replyTo('U0ANA', 'You approved "Worker away approve"')).text).toContain('They get their key now');
    expect(await h.db.keyRequest.findUniqueOrThrow({ where: { id: denyId }, include: { decisions: true } })).toMatchObject({ status: 'DENIED', decisions: [{ approverId: 'U0BEN', decision: 'DENY', reason: 'Not during the change freeze.' }] });
    await eventually(() => h.db.keyRequest.findFirst({ where: { id: approveId, status: { in: ['APPROVED', 'FULFILLED'] } } }), { what: 'the approval to be recorded' });
    await revealOffer(h, approved);
  });

  it('refuses the requester approving their own request, and an outsider, with an explanation and an audit record', async () => {
    const requestId = await askForKey(h, { userId: 'U0SELF', name: 'Self service' });
    const ana = await approverMessage(h, 'U0ANA', requestId);
    // U0SELF is in the approver group but gets no approver message for their own request.
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.messages({ channelId: dmOf('U0SELF') }).filter((m) => m.text.includes('asks for a key'))).toHaveLength(0);

    await click('U0SELF', ana, 'approveRequest', requestId);
    expect((await replyTo('U0SELF', 'your own request')).text).toContain('cannot decide your own request');
    await click('U0EVE', ana, 'approveRequest', requestId);
    expect((await replyTo('U0EVE', 'not one of the approvers')).text).toContain('changed nothing');
    await click('U0EVE', ana, 'denyRequest', requestId);
    await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: 'U0EVE' }).filter((m) => m.text.includes('not one of the approvers')).length === 2);
    expect(h.fake.openViewFor('U0EVE')).toBeUndefined();

    expect(await refusals(requestId, 'U0SELF')).toEqual(['SELF_APPROVAL']);
    expect(await refusals(requestId, 'U0EVE')).toEqual(['NOT_APPROVER', 'NOT_APPROVER']);
    expect(await h.db.keyRequest.findUniqueOrThrow({ where: { id: requestId }, include: { decisions: true } })).toMatchObject({ status: 'PENDING_APPROVAL', decisions: [] });
    expect(buttonLabels(ana)).toEqual(['Approve', 'Deny']);
  });

  it('answers a click after the decision truthfully, and a double click changes nothing', async () => {
    const requester = newRequester();
    const requestId = await askForKey(h, { userId: requester, name: 'Late clicks' });
    const [ana, ben] = await Promise.all([approverMessage(h, 'U0ANA', requestId), approverMessage(h, 'U0BEN', requestId)]);
    // Two clicks of the same button arrive together; one approval is recorded.
    await Promise.all([click('U0ANA', ana, 'approveRequest', requestId), click('U0ANA', ana, 'approveRequest', requestId)]);
    await revealOffer(h, requester);
    await click('U0BEN', ben, 'approveRequest', requestId); // from a copy that still shows the buttons
    expect((await replyTo('U0BEN', 'already approved')).text).toContain('<@U0ANA>');
    expect(await h.db.approvalDecision.count({ where: { requestId } })).toBe(1);
    expect(await h.db.apiKey.count({ where: { ownerId: requester } })).toBe(1);
    expect(await refusals(requestId, 'U0BEN')).toEqual(['ALREADY_APPROVED']);
  });

  it('waits for the security approver too when a sensitive scope is asked for, showing progress', async () => {
    const requester = newRequester();
    const requestId = await askForKey(h, { userId: requester, name: 'Invoices', environment: 'test', lifetime: '30d', scopes: ['read', 'billing:read'] });
    const [ana, sec] = await Promise.all([approverMessage(h, 'U0ANA', requestId), approverMessage(h, 'U0SEC', requestId)]);
    expect(textOf(sec)).toContain('`billing:read` :lock:');
    expect(textOf(sec)).toContain('<!subteam^S0SECURITY>');

    await h.driver.clickButtonInMessage({ userId: 'U0ANA', message: ana, actionText: 'Approve' });
    expect((await replyTo('U0ANA', 'You approved "Invoices"')).text).toContain('It still needs one of <!subteam^S0SECURITY>');
    // Still pending: the messages say who approved and keep their buttons.
    await h.fake.waitFor(() => textOf(sec).includes('still needed'));
    expect(buttonLabels(sec)).toEqual(['Approve', 'Deny']);
    expect(h.fake.ephemeralMessages({ userId: requester }).filter((m) => m.text.includes('Reveal it once'))).toHaveLength(0);

    await h.driver.clickButtonInMessage({ userId: 'U0SEC', message: sec, actionText: 'Approve' });
    await revealOffer(h, requester);
    await h.fake.waitFor(() => buttonLabels(ana).length === 0 && textOf(ana).includes('<@U0SEC>'));
  });

  it('/apikey approvals lists what waits for me with the same buttons, and my own requests with Cancel', async () => {
    const requester = newRequester();
    const requestId = await askForKey(h, { userId: requester, name: 'Listed' });
    const ben = await approverMessage(h, 'U0BEN', requestId);

    await h.driver.sendCommand({ userId: 'U0BEN', channelId: REQUEST_CHANNEL, text: 'approvals' });
    const list = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: 'U0BEN' }).find((m) => m.text.includes('wait for your decision') && JSON.stringify(m.blocks).includes(requestId)));
    expect(JSON.stringify(list.blocks)).toContain(approvalActionId('approveRequest', requestId));
    expect(JSON.stringify(list.blocks)).toContain(approvalActionId('denyRequest', requestId));

    await h.driver.sendCommand({ userId: requester, channelId: REQUEST_CHANNEL, text: 'approvals' });
    const mine = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: requester }).find((m) => m.text.includes('of your requests wait') && JSON.stringify(m.blocks).includes(requestId)));
    await click('U0BEN', mine, 'cancelRequest', requestId);
    expect((await replyTo('U0BEN', 'Only the person who asked')).text).toContain('cancel');
    await click(requester, mine, 'cancelRequest', requestId);
    expect((await replyTo(requester, 'You cancelled')).text).toContain('No key will be created');

    await h.fake.waitFor(() => buttonLabels(ben).length === 0 && textOf(ben).includes('Cancelled'));
    await eventually(async () => (await h.db.keyRequest.findUniqueOrThrow({ where: { id: requestId } })).status === 'CANCELLED', { what: 'the request to be cancelled' });
    expect(await h.db.auditEvent.findFirst({ where: { action: 'request.cancelled', targetId: requestId, actorId: requester } })).not.toBeNull();
    await click('U0BEN', ben, 'approveRequest', requestId);
    expect((await replyTo('U0BEN', 'cancelled this request')).text).toContain('The requester cancelled');
  });
});
