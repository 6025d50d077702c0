/**
 * The one-time delivery of a key: the offer with its "Reveal key" button, the reveal itself (the
 * only message that ever carries a plaintext key) and the masked form that replaces it.
 */
import type { KnownBlock } from '@slack/types';
import { ActionIds, MessageBlocks } from '../ids';
import { firstCallSucceeded, firstCallText, type FirstCall } from '../../domain/firstCall';
import { escapeMrkdwn, lifetimeText, revokedByText, scopeList, slackDate } from './format';

/** The first call as one mrkdwn line, marked by whether it went through. */
export function firstCallLine(call: FirstCall): string {
  return `${firstCallSucceeded(call) ? ':white_check_mark:' : ':warning:'} ${firstCallText(call)}`;
}

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

export interface KeySummary {
  keyId: string;
  name: string;
  environment: string;
  scopes: string[];
}

export function buildRevealOffer(input: KeySummary & { maskedPreview: string; lifetimeSeconds: number; revealWindowEndsAt: Date }): Message {
  const text = `Your key "${escapeMrkdwn(input.name)}" is ready. Reveal it once to copy it.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:key: Your key *${escapeMrkdwn(input.name)}* is ready.` } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Key*\n\`${input.maskedPreview}\`` },
          { type: 'mrkdwn', text: `*Environment*\n${input.environment}` },
          { type: 'mrkdwn', text: `*Scopes*\n${scopeList(input.scopes)}` },
          { type: 'mrkdwn', text: `*Expires*\n${lifetimeText(input.lifetimeSeconds)} after you reveal it` },
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `The key is created when you click *Reveal key* and is shown only once. The button works until ${slackDate(input.revealWindowEndsAt)}.`,
          },
        ],
      },
      {
        type: 'actions',
        block_id: MessageBlocks.revealActions,
        elements: [{ type: 'button', action_id: ActionIds.revealKey, text: { type: 'plain_text', text: 'Reveal key' }, style: 'primary', value: input.keyId }],
      },
    ],
  };
}

/**
 * `replaces`: the masked form of a key this message may already have shown when keyops stopped
 * mid-reveal. Nobody can tell whether Slack displayed it, so that key was dropped and this one
 * minted; the owner is told, in case they copied the first.
 */
export function buildRevealedKey(input: KeySummary & { plaintext: string; maskedKey: string; expiresAt: Date; displaySeconds: number; exampleUrl: string; replaces?: string }): Message {
  const replaced: KnownBlock[] = input.replaces
    ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `:warning: keyops restarted while showing you a key. If you copied \`${input.replaces}\`, discard it: it does not work. Use this one.` }] }]
    : [];
  return {
    text: `Your new key ${input.maskedKey}: copy it now, it is shown only once.`,
    blocks: [
      ...replaced,
      { type: 'section', text: { type: 'mrkdwn', text: `:key: *${escapeMrkdwn(input.name)}*: copy your key now. *It is shown only once* and disappears in ${lifetimeText(input.displaySeconds)}.` } },
      { type: 'section', block_id: MessageBlocks.revealedKey, text: { type: 'mrkdwn', text: '```' + input.plaintext + '```' } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Masked*\n\`${input.maskedKey}\`` },
          { type: 'mrkdwn', text: `*Environment*\n${input.environment}` },
          { type: 'mrkdwn', text: `*Scopes*\n${scopeList(input.scopes)}` },
          { type: 'mrkdwn', text: `*Expires*\n${slackDate(input.expiresAt)}` },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: '*Quick start*\n' + quickStart({ key: input.plaintext, url: input.exampleUrl }) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Store it in your secret manager. keyops keeps only a hash: nobody can show it to you again.' }] },
    ],
  };
}

/** The curl, JavaScript and Python snippets; `key` is the key, or a placeholder where it may not appear. */
export function quickStart(options: { key: string; url: string }): string {
  const curl = `curl -H "Authorization: Bearer ${options.key}" ${options.url}`;
  const js = `const res = await fetch("${options.url}", {\n  headers: { Authorization: "Bearer ${options.key}" },\n});`;
  const py = `import requests\nres = requests.get("${options.url}",\n    headers={"Authorization": "Bearer ${options.key}"})`;
  return `curl\n\`\`\`${curl}\`\`\`\nJavaScript\n\`\`\`${js}\`\`\`\nPython\n\`\`\`${py}\`\`\``;
}

/** `firstCall`: the key's first call, once it came: the owner sees their snippet worked (or why not). */
export function buildMaskedAfterReveal(input: KeySummary & { maskedKey: string; expiresAt: Date; firstCall?: FirstCall }): Message {
  const firstCall: KnownBlock[] = input.firstCall ? [{ type: 'section', text: { type: 'mrkdwn', text: firstCallLine(input.firstCall) } }] : [];
  const hidden = `Key ${input.maskedKey} was shown once and is now hidden.`;
  return {
    text: input.firstCall ? `${hidden} ${firstCallText(input.firstCall).replace(/`/g, '')}.` : hidden,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:key: *${escapeMrkdwn(input.name)}* \`${input.maskedKey}\`` } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Environment*\n${input.environment}` },
          { type: 'mrkdwn', text: `*Scopes*\n${scopeList(input.scopes)}` },
          { type: 'mrkdwn', text: `*Expires*\n${slackDate(input.expiresAt)}` },
        ],
      },
      ...firstCall,
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'This key was shown once and is now hidden. If you lost it, rotate it: `/apikey rotate ' + input.keyId + '`' }] },
    ],
  };
}

export function buildRevealNotDelivered(input: KeySummary): Message {
  const text = `Slack did not let keyops show the key "${escapeMrkdwn(input.name)}", so none was created. Click Reveal key again.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: Slack did not let keyops show *${escapeMrkdwn(input.name)}*, so no key was created. Click *Reveal key* on the offer again.` } }] };
}

export function buildRevealWindowClosed(input: KeySummary): Message {
  const text = `The reveal window for "${escapeMrkdwn(input.name)}" closed before the key was revealed. Nothing was created; run /apikey new to ask again.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:hourglass: The reveal window for *${escapeMrkdwn(input.name)}* closed before the key was revealed. No key was created; run \`/apikey new\` to ask again.` } }] };
}

/** Replaces a reveal offer whose key was revoked before anyone revealed it. */
export function buildRevokedBeforeReveal(input: KeySummary & { revokedBy: string | null }): Message {
  const by = revokedByText(input.revokedBy);
  const text = `The key "${escapeMrkdwn(input.name)}" was revoked${by} before it was revealed, so it was never created. Run /apikey new to ask for another.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:no_entry: *${escapeMrkdwn(input.name)}* was revoked${by} before it was revealed, so it was never created. Run \`/apikey new\` to ask for another.` } }] };
}
