/** Opens the Rotate modal for a key (from `/apikey rotate <key>` or a Rotate button), or says why not. */
import type { WebClient } from '@slack/web-api';
import { requestNeedsApproval } from '../../domain/policy';
import { checkKeyChange } from '../access/keyAccess';
import type { BotDeps } from '../deps';
import { buildRotateModal } from '../views/rotateModal';

export async function openRotateModal(options: {
  deps: BotDeps;
  client: WebClient;
  triggerId: string;
  userId: string;
  keyId: string;
  channelId: string | null;
  answer: (text: string) => Promise<void>;
}): Promise<void> {
  const { deps } = options;
  const key = await deps.db.apiKey.findUnique({
    where: { id: options.keyId },
    select: { id: true, ownerId: true, name: true, maskedKey: true, environment: true, scopes: true, status: true, expiresAt: true, graceEndsAt: true },
  });
  if (!key) return options.answer('This key no longer exists.');
  const refusal = await checkKeyChange(deps, { userId: options.userId, key, verb: 'rotate' });
  if (refusal) return options.answer(refusal.text);
  if (key.status !== 'ACTIVE' || key.expiresAt <= deps.clock()) return options.answer('Only an active key can be rotated; this one expired, was revoked or was never revealed. `/apikey new` asks for a new one.');
  if (key.graceEndsAt) return options.answer('This key is already being rotated: its rotation messages in your DM with keyops say how it is going.');
  const view = buildRotateModal({
    key,
    graceOptions: deps.policy.rotation.graceOptions,
    defaultGrace: deps.policy.rotation.defaultGrace,
    needsApproval: requestNeedsApproval(deps.policy, key),
    channelId: options.channelId,
  });
  await options.client.views.open({ trigger_id: options.triggerId, view });
}
