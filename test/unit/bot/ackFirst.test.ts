/**
 * Acks go before work after acks: a real Bolt app behind ackFirst(), fed events the way its
 * receiver would, with acks that record when Slack would have its answer.
 */
import { App, LogLevel, type Receiver, type ReceiverEvent } from '@slack/bolt';
import { ackFirst, createAckGate } from '../../../bot/ackFirst';

function appWith(maxWaitMs: number, deadlineMs?: number): { app: App; deliver: (event: ReceiverEvent) => Promise<void> } {
  let target: App | undefined;
  const inner: Receiver = {
    init: (app) => void (target = app),
    start: async () => undefined,
    stop: async () => undefined,
  };
  const app = new App({ token: 'xoxb-test', botId: 'B0TEST', botUserId: 'U0BOT', receiver: ackFirst(inner, createAckGate({ maxWaitMs, ...(deadlineMs !== undefined && { deadlineMs }) })), logLevel: LogLevel.ERROR });
  return { app, deliver: (event) => (target as App).processEvent(event) };
}

function command(text: string, order: string[]): ReceiverEvent {
  return {
    body: { command: '/apikey', text, user_id: 'U0ANA', user_name: 'ana', team_id: 'T0TEST', channel_id: 'C0TEST', api_app_id: 'A0TEST', trigger_id: 't', response_url: 'http://127.0.0.1:1/response' },
    ack: async () => void order.push(`ack ${text}`),
  };
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('ackFirst', () => {
  it("holds a listener's work after its ack until every request that arrived has been acked", async () => {
    const order: string[] = [];
    const { app, deliver } = appWith(60_000);
    let lookedUp!: () => void;
    const lookup = new Promise<void>((resolve) => (lookedUp = resolve));
    app.command('/apikey', async ({ command: c, ack }) => {
      // 'slow' stands for a listener that must read something before it can ack.
      if (c.text === 'slow') await lookup;
      await ack();
      order.push(`work ${c.text}`);
    });
    const fast = deliver(command('fast', order));
    const slow = deliver(command('slow', order));
    await turns(20);
    expect(order).toEqual(['ack fast']);

    lookedUp();
    await Promise.all([fast, slow]);
    expect(order.slice(0, 2)).toEqual(['ack fast', 'ack slow']);
    expect(order.slice(2).sort()).toEqual(['work fast', 'work slow']);
  });

  it.each([
    ['after the longest wait even when another request never acks', 20, undefined],
    ["once Slack would have given up on the other request's ack", 600_000, 20],
  ] as const)('lets the work go on %s', async (_, maxWaitMs, deadlineMs) => {
    const order: string[] = [];
    const { app, deliver } = appWith(maxWaitMs, deadlineMs);
    app.command('/apikey', async ({ command: c, ack }) => {
      if (c.text === 'stuck') return new Promise<void>(() => undefined);
      await ack();
      order.push(`work ${c.text}`);
    });
    void deliver(command('stuck', order));
    await deliver(command('fast', order));
    expect(order).toEqual(['ack fast', 'work fast']);
  });

  it('does not hold anything back for a request that ended without an ack', async () => {
    const order: string[] = [];
    const { app, deliver } = appWith(60_000);
    app.command('/apikey', async ({ command: c, ack }) => {
      if (c.text === 'ignored') return;
      await ack();
      order.push(`work ${c.text}`);
    });
    await deliver(command('ignored', order));
    await deliver(command('fast', order));
    expect(order).toEqual(['ack fast', 'work fast']);
  });
});
