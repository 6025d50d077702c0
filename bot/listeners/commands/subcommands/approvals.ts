/**
 * `/apikey approvals`: the requests waiting for my decision, with the same Approve and Deny
 * buttons as the approver messages, and my own pending requests, with Cancel. Read from the store:
 * `approver_ids` holds who may decide each request (groups expanded when it was asked).
 */
import { approvalCardOf } from '../../../views/approvalCard';
import { buildApprovalsList, type ListedRequest } from '../../../views/approvalsList';
import { mention } from '../../../views/format';
import type { Subcommand } from '../subcommand';

/** Enough to say "…and N more" beyond what one message shows. */
const FETCH_LIMIT = 100;

const decisionSelect = { decisions: { select: { approverId: true, decision: true }, orderBy: { decidedAt: 'asc' as const } } };

function statusOf(decisions: Array<{ approverId: string }>): string {
  return decisions.length === 0 ? 'waiting for a decision' : `approved by ${decisions.map((d) => mention(d.approverId)).join(' and ')}, waiting for more`;
}

export const approvalsSubcommand: Subcommand = {
  name: 'approvals',
  run: async ({ command: { ack, respond, command }, deps }) => {
    await ack();
    const userId = command.user_id;
    const [waiting, mine] = await Promise.all([
      deps.db.keyRequest.findMany({
        where: { status: 'PENDING_APPROVAL', approverIds: { has: userId }, requesterId: { not: userId }, decisions: { none: { approverId: userId } } },
        include: decisionSelect,
        orderBy: { createdAt: 'asc' },
        take: FETCH_LIMIT,
      }),
      deps.db.keyRequest.findMany({ where: { requesterId: userId, status: 'PENDING_APPROVAL' }, include: decisionSelect, orderBy: { createdAt: 'asc' }, take: FETCH_LIMIT }),
    ]);
    const listed = (requests: typeof waiting): ListedRequest[] => requests.map((r) => ({ card: approvalCardOf(r, deps.policy), status: statusOf(r.decisions) }));
    await respond({ response_type: 'ephemeral', ...buildApprovalsList({ waiting: listed(waiting), mine: listed(mine) }) });
    deps.log.info('approvals listed', { userId, waiting: waiting.length, mine: mine.length });
  },
};
