/**
 * The approval's Slack messages: asking the approvers (a DM each, or one post in the policy's
 * channel), reminders, the escalation, and updating every message in place once something
 * changes. Approver messages are regular messages, not ephemeral ones, because only those can be
 * edited later (chat.update); each is stored in approval_messages under an id made of the request,
 * kind, round and recipient, so a retried activity does not post it twice; the post itself is made
 * once under that id (postOnce.ts), so a crash between the post and the row does not either.
 */
import { recordAudit } from '../db/audit';
import { eligibleApprovers, type ApprovalPlan, type ApprovalSnapshot } from '../domain/approval';
import type { ApprovalMessageKind } from '../generated/prisma/client';
import { approvalCardOf, approvalStateOf } from '../bot/views/approvalCard';
import { buildApprovalReminder, buildApprovalRequest, buildChannelNudge, escalationBanner } from '../bot/views/approvalMessages';
import { buildRequesterOutcome, buildRequesterStatus } from '../bot/views/requesterMessages';
import type { ActivityDeps } from './deps';
import { postMessageOnce } from './postOnce';
import { MessageGone, type SlackMessage } from './slackGateway';

interface PostOnce {
  requestId: string;
  kind: ApprovalMessageKind;
  round?: number;
  /** A user (sent as a DM) or the approvals channel. */
  recipientId: string;
  message: SlackMessage;
  threadTs?: string;
}

export function createApprovalMessageActivities(deps: ActivityDeps) {
  const loadRequest = (requestId: string) => deps.db.keyRequest.findUniqueOrThrow({ where: { id: requestId } });
  // App Home lists "approvals waiting for you" and "your requests waiting for approval".
  const { home } = deps;

  const postOnce = async (o: PostOnce): Promise<void> => {
    const id = [o.requestId, o.kind, o.round ?? 0, o.recipientId].join(':');
    if (await deps.db.approvalMessage.findUnique({ where: { id }, select: { id: true } })) return;
    const channel = /^[UW]/.test(o.recipientId) ? await deps.slack.openDm({ user: o.recipientId }) : o.recipientId;
    const posted = await postMessageOnce(deps, { dedupeKey: `approval:${id}`, channel, message: o.message, ...(o.threadTs ? { threadTs: o.threadTs } : {}) });
    await deps.db.approvalMessage.create({ data: { id, requestId: o.requestId, kind: o.kind, recipientId: o.recipientId, channelId: posted.channel, ts: posted.ts } });
  };

  /** Posts to every recipient; one refusal does not stop the others. Throws when all failed. */
  const postToAll = async (posts: PostOnce[]): Promise<void> => {
    const failures: unknown[] = [];
    for (const post of posts) {
      await postOnce(post).catch((error: unknown) => {
        failures.push(error);
        deps.log.warn('could not post an approval message', { requestId: post.requestId, kind: post.kind, recipientId: post.recipientId, error: (error as Error).message });
      });
    }
    if (posts.length > 0 && failures.length === posts.length) throw failures[0];
  };

  const channelPostTs = async (requestId: string, channelId: string): Promise<string | undefined> =>
    (await deps.db.approvalMessage.findUnique({ where: { id: [requestId, 'REQUEST', 0, channelId].join(':') }, select: { ts: true } }))?.ts;

  const audit = async (o: { requestId: string; workflowId: string; action: string; dedupeKey: string; details: Record<string, unknown> }): Promise<void> =>
    recordAudit(deps.db, { actorId: 'system', action: o.action, targetType: 'request', targetId: o.requestId, source: `workflow:${o.workflowId}`, details: o.details, dedupeKey: o.dedupeKey });

  return {
    async askApprovers(options: { requestId: string; plan: ApprovalPlan }): Promise<void> {
      const { plan } = options;
      const request = await loadRequest(options.requestId);
      const card = approvalCardOf(request, deps.policy);
      const pending = approvalStateOf(plan, { status: 'pending', approvals: [], denial: null, escalated: false, finishedAt: null });
      const message = buildApprovalRequest({ card, who: plan, state: pending });
      const approvers = eligibleApprovers(plan, false);
      if (approvers.length === 0) deps.log.error('nobody can approve this request until it escalates', { requestId: request.id, groups: plan.groups.map((g) => g.ids), unreadableGroups: plan.unreadableGroups });
      const recipients = plan.channelId ? [plan.channelId] : approvers;
      await postToAll(recipients.map((recipientId) => ({ requestId: request.id, kind: 'REQUEST', recipientId, message })));
      const timers = { reminderEverySeconds: plan.reminderEverySeconds, escalateAfterSeconds: plan.escalateAfterSeconds, escalateTo: plan.escalation.ids, timeoutSeconds: plan.timeoutSeconds };
      await postOnce({ requestId: request.id, kind: 'REQUESTER', recipientId: request.requesterId, message: buildRequesterStatus({ card, who: plan, state: pending, timers }) });
      await audit({ requestId: request.id, workflowId: request.workflowId, action: 'approval.requested', dedupeKey: `asked:${request.id}`, details: { approvers, channel: plan.channelId, unreadableGroups: plan.unreadableGroups } });
      home.refresh([request.requesterId, ...approvers]);
    },

    async remindApprovers(options: { requestId: string; plan: ApprovalPlan; round: number; userIds: string[]; waitedSeconds: number }): Promise<void> {
      if (options.userIds.length === 0) return;
      const request = await loadRequest(options.requestId);
      const { channelId } = options.plan;
      if (channelId) {
        const message = buildChannelNudge({ kind: 'reminder', userIds: options.userIds, waitedSeconds: options.waitedSeconds });
        await postOnce({ requestId: request.id, kind: 'REMINDER', round: options.round, recipientId: channelId, message, threadTs: await channelPostTs(request.id, channelId) });
      } else {
        const message = buildApprovalReminder({ card: approvalCardOf(request, deps.policy), waitedSeconds: options.waitedSeconds });
        await postToAll(options.userIds.map((recipientId) => ({ requestId: request.id, kind: 'REMINDER', round: options.round, recipientId, message })));
      }
      await audit({ requestId: request.id, workflowId: request.workflowId, action: 'approval.reminded', dedupeKey: `reminded:${request.id}:${options.round}`, details: { round: options.round, userIds: options.userIds } });
    },

    /** Lets the escalation group decide too: they may now click, and they are told so. */
    async escalateApproval(options: { requestId: string; plan: ApprovalPlan; snapshot: ApprovalSnapshot; waitedSeconds: number }): Promise<void> {
      const { plan } = options;
      const request = await deps.db.keyRequest.update({ where: { id: options.requestId }, data: { approverIds: eligibleApprovers(plan, true) } });
      const alreadyAsked = new Set(eligibleApprovers(plan, false));
      const newcomers = plan.escalation.members.filter((user) => !alreadyAsked.has(user));
      if (plan.channelId) {
        const message = buildChannelNudge({ kind: 'escalation', userIds: plan.escalation.ids, waitedSeconds: options.waitedSeconds });
        await postOnce({ requestId: request.id, kind: 'ESCALATION', recipientId: plan.channelId, message, threadTs: await channelPostTs(request.id, plan.channelId) });
      } else {
        const card = approvalCardOf(request, deps.policy);
        const message = buildApprovalRequest({ card, who: plan, state: approvalStateOf(plan, options.snapshot), banner: escalationBanner(options.waitedSeconds) });
        await postToAll(newcomers.map((recipientId) => ({ requestId: request.id, kind: 'ESCALATION', recipientId, message })));
      }
      await audit({ requestId: request.id, workflowId: request.workflowId, action: 'approval.escalated', dedupeKey: `escalated:${request.id}`, details: { to: plan.escalation.ids, members: plan.escalation.members } });
      home.refresh(newcomers);
    },

    /**
     * Brings every message about the request up to date: approver messages show the approvals so
     * far or the outcome (buttons gone once decided), the requester's status follows, and a denial
     * or expiry also reaches the requester as a new message, since an edit does not notify.
     */
    async announceApproval(options: { requestId: string; plan: ApprovalPlan; snapshot: ApprovalSnapshot }): Promise<void> {
      const { plan, snapshot } = options;
      const request = await loadRequest(options.requestId);
      const card = approvalCardOf(request, deps.policy);
      const state = approvalStateOf(plan, snapshot);
      const timers = { reminderEverySeconds: plan.reminderEverySeconds, escalateAfterSeconds: plan.escalateAfterSeconds, escalateTo: plan.escalation.ids, timeoutSeconds: plan.timeoutSeconds };
      const messages = await deps.db.approvalMessage.findMany({ where: { requestId: request.id, kind: { in: ['REQUEST', 'ESCALATION', 'REQUESTER'] } }, orderBy: { createdAt: 'asc' } });
      const failures: unknown[] = [];
      for (const m of messages) {
        if (m.kind === 'ESCALATION' && plan.channelId) continue; // a thread reply, without buttons
        const content = m.kind === 'REQUESTER'
          ? buildRequesterStatus({ card, who: plan, state, timers })
          : buildApprovalRequest({ card, who: plan, state, ...(m.kind === 'ESCALATION' ? { banner: escalationBanner(plan.escalateAfterSeconds) } : {}) });
        await deps.slack.updateMessage({ channel: m.channelId, ts: m.ts, ...content }).catch((error: unknown) => {
          if (error instanceof MessageGone) return deps.log.info('approval message gone; not updated', { requestId: request.id, messageId: m.id });
          failures.push(error);
        });
      }
      if (state.kind === 'denied' || state.kind === 'timed_out') {
        await postOnce({ requestId: request.id, kind: 'OUTCOME', recipientId: request.requesterId, message: buildRequesterOutcome({ card, state }) });
      }
      home.refresh([request.requesterId, ...request.approverIds]);
      if (failures.length > 0) throw failures[0];
    },
  };
}
