/**
 * What a person does on the page, played into keyops as Slack would send it: a slash command, a
 * click, a select, a modal submitted or closed, the Home tab opened.
 *
 * The page only says which button; the button's value, block and the message or view it sits in
 * are read from the stand-in's own record of what that person sees. Slack works the same way: a
 * person can click only what was shown to them, and only with the values keyops put there.
 */
import { z } from 'zod';
import { dmChannelFor } from './slack/ids';
import { isObj } from './slack/limits';
import { DEMO_CHANNEL } from './snapshot';
import type { FakeMessage, FakeSlack, FakeView, Obj, SlackDriver } from './slack';

const userId = z.string().regex(/^U[A-Z0-9]+$/);

export const commandSchema = z.strictObject({ user: userId, channel: z.string().regex(/^[CDG][A-Z0-9]+$/).default(DEMO_CHANNEL.id), text: z.string().max(4000) });
export const clickSchema = z.strictObject({
  user: userId,
  actionId: z.string().max(255),
  blockId: z.string().max(255).optional(),
  /** Exactly one of: the message (its ts) or the view (its id) the button is in. */
  messageTs: z.string().max(32).optional(),
  viewId: z.string().max(32).optional(),
});
export const selectSchema = z.strictObject({ user: userId, viewId: z.string().max(32), blockId: z.string().max(255), value: z.string().max(2000) });
export const submitSchema = z.strictObject({ user: userId, viewId: z.string().max(32), values: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.null()])) });
export const viewSchema = z.strictObject({ user: userId, viewId: z.string().max(32) });
export const homeSchema = z.strictObject({ user: userId });

/** An interaction the person could not have made in Slack (a stale page, a hand-made request). */
export class NotPossible extends Error {}

const buttonsIn = (blocks: Obj[]): Array<{ block: Obj; button: Obj }> =>
  blocks.flatMap((block) => {
    const elements = block.type === 'actions' && Array.isArray(block.elements) ? block.elements : block.type === 'section' ? [block.accessory] : [];
    return elements.filter((el): el is Obj => isObj(el) && el.type === 'button').map((button) => ({ block, button }));
  });

function findButton(blocks: Obj[], actionId: string, blockId: string | undefined): { block: Obj; button: Obj } {
  const hit = buttonsIn(blocks).find(({ block, button }) => button.action_id === actionId && (blockId === undefined || block.block_id === blockId));
  if (!hit) throw new NotPossible('That button is no longer there.');
  return hit;
}

const labelOf = (button: Obj): string => (isObj(button.text) && typeof button.text.text === 'string' ? button.text.text : String(button.action_id));

function visibleMessage(fake: FakeSlack, user: string, ts: string): FakeMessage {
  const message = [...fake.ephemeralMessages({ userId: user }), ...fake.messages()].find((m) => m.ts === ts);
  // Channel messages in someone else's DM with keyops are not theirs to click either.
  if (!message || (message.kind === 'channel' && message.channelId.startsWith('D') && message.channelId !== dmChannelFor(user))) {
    throw new NotPossible('That message is no longer there.');
  }
  return message;
}

function ownView(fake: FakeSlack, user: string, viewId: string): FakeView {
  const view = fake.view(viewId);
  if (!view || view.userId !== user || view.closed) throw new NotPossible('That window is closed.');
  return view;
}

export function createInteractions(options: { fake: FakeSlack; driver: () => SlackDriver }) {
  const { fake } = options;
  return {
    command: async (o: z.output<typeof commandSchema>) => {
      const [command = '', ...rest] = o.text.trim().split(/\s+/);
      if (command !== '/apikey') throw new NotPossible('Only /apikey is installed here: try /apikey help');
      await options.driver().sendCommand({ userId: o.user, channelId: o.channel, text: rest.join(' ') });
    },
    click: async (o: z.output<typeof clickSchema>) => {
      if (o.messageTs !== undefined) {
        const message = visibleMessage(fake, o.user, o.messageTs);
        const { button } = findButton(message.blocks, o.actionId, o.blockId);
        await options.driver().clickButtonInMessage({ userId: o.user, message, actionId: o.actionId, actionText: labelOf(button) });
        return;
      }
      if (o.viewId === undefined) throw new NotPossible('A click needs a message or a view.');
      const view = ownView(fake, o.user, o.viewId);
      const { block, button } = findButton(view.blocks, o.actionId, o.blockId);
      await options.driver().clickButton({
        userId: o.user, actionId: o.actionId, actionText: labelOf(button), view: { id: view.id },
        ...(typeof button.value === 'string' && { value: button.value }), ...(typeof block.block_id === 'string' && { blockId: block.block_id }),
      });
    },
    select: async (o: z.output<typeof selectSchema>) => {
      const view = ownView(fake, o.user, o.viewId);
      await options.driver().selectOption({ userId: o.user, view, blockId: o.blockId, value: o.value });
    },
    submit: async (o: z.output<typeof submitSchema>) => {
      const view = ownView(fake, o.user, o.viewId);
      // Empty text counts as not filled in, as in Slack's client.
      const values = Object.fromEntries(Object.entries(o.values).map(([k, v]) => [k, v === '' ? null : v]));
      await options.driver().submitView({ userId: o.user, view, values });
    },
    close: async (o: z.output<typeof viewSchema>) => {
      ownView(fake, o.user, o.viewId);
      // keyops asks for no view_closed events (no notify_on_close), so Slack would send nothing.
      fake.state.popModal(o.user);
    },
    openHome: async (o: z.output<typeof homeSchema>) => {
      await options.driver().sendEvent({ event: { type: 'app_home_opened', user: o.user, channel: dmChannelFor(o.user), tab: 'home' } });
    },
  };
}

export type Interactions = ReturnType<typeof createInteractions>;
