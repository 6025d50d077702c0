/**
 * Steps of the approval journey as a user performs them through the fake Slack: ask for a key that
 * needs approval, find an approver's message, read its buttons. Shared by the e2e tests and the
 * approvals bench.
 */
import { NewKeyBlocks } from '../../bot/ids';
import { lifetimeBlockId } from '../../bot/views/newKeyModal';
import { eventually } from './eventually';
import type { ChannelMessage, FakeMessage } from '../../playground/slack';
import type { Harness } from './keyopsHarness';

export const REQUEST_CHANNEL = 'C0GENERAL';

/** The app's DM with a user, as the fake (and Slack) names it. */
export function dmOf(userId: string): string {
  return `D${userId.replace(/^[UW]/, '')}`;
}

export interface KeyAsk {
  userId: string;
  name?: string;
  environment?: string;
  scopes?: string[];
  lifetime?: string;
  reason?: string;
}

/** /apikey new, the form filled in and submitted; resolves to the request id once it is recorded. */
export async function askForKey(h: Harness, ask: KeyAsk): Promise<string> {
  const { userId } = ask;
  const environment = ask.environment ?? 'production';
  const name = ask.name ?? 'Payments service';
  await h.driver.sendCommand({ userId, channelId: REQUEST_CHANNEL, text: 'new' });
  let view = await h.fake.waitFor(() => h.fake.openViewFor(userId));
  if (!JSON.stringify(view.blocks).includes(lifetimeBlockId(environment))) {
    await h.driver.selectOption({ userId, view, blockId: NewKeyBlocks.environment, value: environment });
    view = await h.fake.waitFor(() => {
      const v = h.fake.openViewFor(userId);
      return v && JSON.stringify(v.blocks).includes(lifetimeBlockId(environment)) ? v : undefined;
    });
  }
  const submit = await h.driver.submitView({
    userId,
    view,
    values: {
      [NewKeyBlocks.name]: name,
      [NewKeyBlocks.environment]: environment,
      [NewKeyBlocks.scopes]: ask.scopes ?? ['read'],
      [lifetimeBlockId(environment)]: ask.lifetime ?? '90d',
      ...(ask.reason === undefined ? { [NewKeyBlocks.reason]: 'Launching the payments service' } : { [NewKeyBlocks.reason]: ask.reason }),
    },
  });
  if (submit.json !== undefined && JSON.stringify(submit.json) !== '{}') throw new Error(`the form was refused: ${submit.body}`);
  const request = await eventually(() => h.db.keyRequest.findFirst({ where: { requesterId: userId, name }, select: { id: true } }), { what: 'the request to be recorded', timeoutMs: 15_000 });
  return request.id;
}

const mentionsRequest = (m: FakeMessage, requestId: string): boolean => JSON.stringify(m.blocks).includes(`"value":"${requestId}"`);

/** The message with the Approve and Deny buttons that an approver got for a request. */
export function approverMessage(h: Harness, approverId: string, requestId: string): Promise<ChannelMessage> {
  return h.fake.waitFor(() => h.fake.messages({ channelId: dmOf(approverId) }).find((m) => mentionsRequest(m, requestId) && m.text.includes('asks for a key')));
}

/** The requester's status message (who decides, Cancel), in the app's DM. */
export function requesterStatus(h: Harness, requesterId: string, requestId: string): Promise<ChannelMessage> {
  return h.fake.waitFor(() => h.fake.messages({ channelId: dmOf(requesterId) }).find((m) => mentionsRequest(m, requestId)));
}

export function buttonLabels(message: FakeMessage): string[] {
  return message.blocks.flatMap((b) => (b.type === 'actions' && Array.isArray(b.elements) ? b.elements : [])).map((e) => String((e as { text?: { text?: string } }).text?.text));
}

export function textOf(message: FakeMessage): string {
  return `${message.text}\n${JSON.stringify(message.blocks)}`;
}

/** The "Reveal key" offer the requester gets once the request is approved. */
export function revealOffer(h: Harness, requesterId: string): Promise<FakeMessage> {
  return h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: requesterId }).find((m) => m.text.includes('Reveal it once')));
}
