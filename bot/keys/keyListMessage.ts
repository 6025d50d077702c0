/** A page of someone's keys as a message: the one read behind `/apikey list` and its page buttons. */
import { listKeysPage } from '../../db/keyListing';
import type { BotDeps } from '../deps';
import { buildKeyList, KEYS_PER_PAGE, pageCount } from '../views/keyList';
import type { Message } from '../views/revealMessages';

export async function loadKeyListMessage(deps: Pick<BotDeps, 'db' | 'policy' | 'clock'>, options: { ownerId: string; viewerId: string; page: number }): Promise<Message> {
  const first = await listKeysPage(deps.db, { ownerId: options.ownerId, page: options.page, pageSize: KEYS_PER_PAGE });
  // A page past the end (keys were revoked and purged meanwhile): show the last one instead.
  const last = pageCount(first.total) - 1;
  const { total, rows, waiting } = options.page > last ? await listKeysPage(deps.db, { ownerId: options.ownerId, page: last, pageSize: KEYS_PER_PAGE }) : first;
  const page = Math.min(options.page, last);
  return buildKeyList({ ownerId: options.ownerId, viewerId: options.viewerId, rows, total, page, waiting: page === 0 ? waiting : [], now: deps.clock(), expiringSoonSeconds: deps.policy.notices.expiringSoon });
}
