/**
 * A rotation, as the old key's lifecycle workflow runs it:
 *
 *   delivering  the new key goes through keyRequestWorkflow as a child (offer, approval where the
 *               policy asks for it, the one reveal); abandoned on close so the new key's delivery
 *               never depends on what happens to the old one meanwhile
 *   grace       starts at the new key's reveal (the child signals it: rotationReveal.ts); before it ends the owner sees how both keys were
 *               used and can revoke the old key now, extend the grace or cancel (the new key is
 *               revoked instead); at its end the old key is revoked
 *
 * The grace period lives in the store (graceEndsAt, and the new key's rotatedFromId), so a
 * lifecycle workflow that was lost and started again by reconciliation picks it up.
 */
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { rotationCheckAt, type LifecycleFacts, type NoticeSchedule } from '../domain/lifecyclePlan';
import { keyRequestWorkflow, keyRequestWorkflowId, type KeyRequestInput, type KeyRequestPhase } from './keyRequest';
import { background, interactive } from './proxies';
import type { ReplyTo } from './replyTo';

export interface RotateArgs {
  actorId: string;
  graceSeconds: number;
  /** The new key's request: same name, environment, scopes and lifetime, `rotatedFromId` set. */
  request: KeyRequestInput;
  replyTo: ReplyTo;
}

export type RotationChoice = 'revoke_old_now' | 'extend_grace' | 'cancel';

export interface RotationChoiceArgs {
  /** From the click: a retried click is the same choice (Extend grace twice must not add twice). */
  choiceId: string;
  /** The replacement key the choice is about: a stale button for an earlier rotation is refused. */
  newKeyId: string;
  choice: RotationChoice;
  actorId: string;
  replyTo: ReplyTo;
}

export interface RotationView {
  stage: 'delivering' | 'grace';
  newKeyId: string;
  graceEndsAtMs: number | null;
}

type RotationWake = { kind: 'rotation_check' | 'rotation_end'; atMs: number };

/**
 * `revealed`: the child said the new key was shown (see rotationReveal.ts); `graceBegun`: the grace
 * was started from that, while the child still waits out the display time.
 */
type Delivery = { args: RotateArgs; outcome: KeyRequestPhase | 'failed' | null; revealed: boolean; graceBegun: boolean };

export function createRotation(options: { keyId: string; factsNow: () => LifecycleFacts | null }) {
  const { keyId } = options;
  let delivering: Delivery | null = null;
  /** The grace chosen for the running rotation; unknown after a reload (then the policy's default). */
  let graceSeconds: number | null = null;
  let checkSentFor: number | null = null;
  const graceEnd = (): number | null => options.factsNow()?.graceEndsAtMs ?? null;
  const graceOf = (schedule: NoticeSchedule): number => graceSeconds ?? schedule.defaultGraceSeconds;
  const current = (): LifecycleFacts => options.factsNow() as LifecycleFacts;

  return {
    inProgress: (): boolean => delivering !== null || graceEnd() !== null,
    /**
     * Whether a choice about this new key can still apply. Also true while the grace period is
     * being started: the owner's message with the buttons goes out from that very step.
     */
    accepts: (newKeyId: string): boolean =>
      delivering?.args.request.keyId === newKeyId || (graceEnd() !== null && options.factsNow()?.replacementKeyId === newKeyId),
    childFinished: (): boolean => delivering?.outcome != null,
    /** The new key is on screen and its grace not started yet: start it now, not at the display's end. */
    graceDue: (): boolean => delivering !== null && delivering.revealed && !delivering.graceBegun,
    revealed(newKeyId: string): void {
      if (delivering?.args.request.keyId === newKeyId) delivering.revealed = true;
    },

    view(): RotationView | null {
      if (delivering && !delivering.graceBegun) return { stage: 'delivering', newKeyId: delivering.args.request.keyId, graceEndsAtMs: null };
      const facts = options.factsNow();
      if (facts?.graceEndsAtMs == null || facts.replacementKeyId === null) return null;
      return { stage: 'grace', newKeyId: facts.replacementKeyId, graceEndsAtMs: facts.graceEndsAtMs };
    },

    async start(args: RotateArgs): Promise<LifecycleFacts | null> {
      const facts = await interactive.recordRotationStarted({ keyId, newKeyId: args.request.keyId, requestId: args.request.requestId, actorId: args.actorId, graceSeconds: args.graceSeconds });
      if (facts?.status !== 'ACTIVE') return facts;
      const state: Delivery = { args, outcome: null, revealed: false, graceBegun: false };
      delivering = state;
      graceSeconds = args.graceSeconds;
      try {
        const child = await startChild(keyRequestWorkflow, {
          workflowId: keyRequestWorkflowId(args.request.requestId),
          args: [args.request],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        child.result().then(
          (phase) => void (state.outcome = phase),
          () => void (state.outcome = 'failed'),
        );
      } catch {
        state.outcome = 'failed';
      }
      return facts;
    },

    /** The new key was revealed: its grace runs from now (the activity counts from revealedAt). */
    async beginGrace(): Promise<LifecycleFacts | null> {
      const state = delivering as Delivery;
      state.graceBegun = true;
      return background.beginRotationGrace({ keyId, newKeyId: state.args.request.keyId, graceSeconds: state.args.graceSeconds });
    },

    /** The new key's request ended: revealed (grace starts, unless it already has) or not (the rotation is over). */
    async settleDelivery(): Promise<LifecycleFacts | null> {
      const done = delivering;
      if (!done) return current();
      const newKeyId = done.args.request.keyId;
      try {
        if (done.outcome === 'display_expired' && done.graceBegun) return current();
        if (done.outcome === 'display_expired') return await background.beginRotationGrace({ keyId, newKeyId, graceSeconds: done.args.graceSeconds });
        graceSeconds = null;
        return await background.abandonRotation({ keyId, newKeyId, outcome: done.outcome ?? 'failed' });
      } finally {
        delivering = null;
      }
    },

    nextWake(schedule: NoticeSchedule): RotationWake | null {
      const end = graceEnd();
      if (end === null || (delivering && !delivering.graceBegun)) return null;
      const checkAt = rotationCheckAt(end, graceOf(schedule));
      if (checkSentFor !== end && checkAt < end) return { kind: 'rotation_check', atMs: checkAt };
      return { kind: 'rotation_end', atMs: end };
    },

    async wake(kind: RotationWake['kind'], schedule: NoticeSchedule): Promise<LifecycleFacts | null> {
      const facts = current();
      if (facts.graceEndsAtMs === null || facts.replacementKeyId === null) return facts;
      if (kind === 'rotation_check') {
        checkSentFor = facts.graceEndsAtMs;
        return background.sendRotationCheck({ keyId, newKeyId: facts.replacementKeyId, graceEndsAtMs: facts.graceEndsAtMs, graceSeconds: graceOf(schedule) });
      }
      return background.finishRotation({ keyId, newKeyId: facts.replacementKeyId, actorId: 'system', why: 'grace_ended', replyTo: null });
    },

    async choose(args: RotationChoiceArgs, schedule: NoticeSchedule): Promise<LifecycleFacts | null> {
      const { newKeyId, actorId, replyTo, choiceId } = args;
      // Accepted while the grace period was starting; if it never started, there is nothing to choose.
      const facts = current();
      if (facts.graceEndsAtMs === null || facts.replacementKeyId !== newKeyId) return facts;
      switch (args.choice) {
        case 'revoke_old_now':
          return interactive.finishRotation({ keyId, newKeyId, actorId, why: 'revoked_early', replyTo });
        case 'extend_grace':
          return interactive.extendRotationGrace({ keyId, newKeyId, choiceId, bySeconds: graceOf(schedule), actorId, replyTo });
        case 'cancel':
          graceSeconds = null;
          return interactive.cancelRotation({ keyId, newKeyId, actorId, replyTo });
      }
    },
  };
}
