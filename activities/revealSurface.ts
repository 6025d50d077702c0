/**
 * Where a revealed key is shown, and taken back: the click's ephemeral message (through its
 * response_url), or the modal the bot opened at a click in a message that would keep the key
 * (the app's DM, App Home). Never a message that outlives the display.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { openUrl, viewIdOf, type SealContext } from '../domain/sealedUrl';
import { buildKeyHiddenModal, buildRevealedKeyModal } from '../bot/views/revealModal';
import type { Message } from '../bot/views/revealMessages';
import type { ActivityDeps } from './deps';
import { ResponseUrlGone, ViewGone } from './slackGateway';

export type RevealSurface = { kind: 'message'; responseUrl: string } | { kind: 'modal'; viewId: string };

/**
 * The surface inside a reveal's seal. One that cannot be opened (tampered with, sealed under
 * another secret or for another workflow or clicker, or not sealed at all), or a response_url that
 * is not Slack's, never will be: the activity fails without retrying, before anything is minted.
 */
export function openRevealSurface(deps: Pick<ActivityDeps, 'slack' | 'keyHashSecret'>, sealed: string, context: SealContext, options: { legacy?: boolean } = {}): RevealSurface {
  let target: string;
  try {
    target = openUrl(sealed, deps.keyHashSecret, context, options);
  } catch (error) {
    throw ApplicationFailure.nonRetryable(`cannot open the sealed response_url: ${(error as Error).message}`);
  }
  const viewId = viewIdOf(target);
  if (viewId) return { kind: 'modal', viewId };
  if (!deps.slack.acceptsResponseUrl(target)) throw ApplicationFailure.nonRetryable('the sealed response_url is not on a Slack host');
  return { kind: 'message', responseUrl: target };
}

/** Thrown when the surface is gone: a used-up or expired response_url, or a modal the owner closed. */
export function isSurfaceGone(error: unknown): boolean {
  return error instanceof ResponseUrlGone || error instanceof ViewGone;
}

/** Shows `message` on the surface, replacing what it showed. */
export async function showOn(deps: Pick<ActivityDeps, 'slack'>, surface: RevealSurface, message: Message, options: { hidden: boolean }): Promise<void> {
  if (surface.kind === 'message') return deps.slack.respond({ responseUrl: surface.responseUrl, replaceOriginal: true, ...message });
  await deps.slack.updateView({ viewId: surface.viewId, view: options.hidden ? buildKeyHiddenModal(message) : buildRevealedKeyModal(message) });
}
