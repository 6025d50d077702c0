/**
 * What the outside world sees of keyLifecycleWorkflow: its id, input, updates (the clicks),
 * signal and query, and the refusals the bot turns into words. Kept apart from the loop so the
 * bot and activities import definitions, not the workflow's body.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ExpiryNoticePlan, LifecycleFacts, NoticeSchedule } from '../domain/lifecyclePlan';
import type { SealedUrl } from '../domain/sealedUrl';
import type { RotateArgs, RotationChoiceArgs, RotationView } from './keyRotation';
import type { ReplyTo } from './replyTo';

export type { RotateArgs, RotationChoice, RotationChoiceArgs, RotationView } from './keyRotation';

export function keyLifecycleWorkflowId(keyId: string): string {
  return `key-lifecycle-${keyId}`;
}

export interface KeyLifecycleInput {
  keyId: string;
  /**
   * The key as the starter read it (start-up reconciliation reads whole pages): saves the first
   * read. Only a head start: every timer's activity reads the store again.
   */
  snapshot?: { facts: LifecycleFacts; schedule: NoticeSchedule };
  /** Which expiry notices went out, carried across continue-as-new. */
  noticePlan?: ExpiryNoticePlan;
  /** History length after which the workflow continues as new (tests lower it). */
  maxHistoryEvents?: number;
}

export type { ReplyTo } from './replyTo';

export interface ExtendArgs {
  /** From the Slack view that asked: a resubmit is the same extension. */
  extensionId: string;
  actorId: string;
  lifetimeSeconds: number;
  replyTo: ReplyTo;
}

export interface KeepArgs {
  keepId: string;
  actorId: string;
  replyTo: ReplyTo;
}

export type LifecycleEnd = 'expired' | 'revoked' | 'gone';
export type WakeKind = 'expiry' | 'expiry_notice' | 'usage_check' | 'rotation_check' | 'rotation_end' | 'first_call' | 'first_call_nudge';

/**
 * Where the key was revealed (the click's sealed response_url or modal, and the clicker), sent by
 * the key's request workflow when it hands over after the display: the first call is reported
 * there while Slack still lets keyops replace that message (about 30 minutes), by DM after.
 */
export interface RevealSurfaceArgs {
  responseUrl: SealedUrl;
  clickerId: string;
  /** Said only by request runs from before bound seals. */
  legacy?: boolean;
}

export interface LifecycleState {
  facts: LifecycleFacts | null;
  next: { kind: WakeKind; atMs: number } | null;
  rotation: RotationView | null;
  sentExpiryNotices: number[];
}

/** Reasons an update is refused; the bot turns them into words. */
export const LIFECYCLE_REFUSALS = ['KEY_NOT_ACTIVE', 'ROTATION_IN_PROGRESS', 'NO_ROTATION'] as const;
export type LifecycleRefusal = (typeof LIFECYCLE_REFUSALS)[number];

export const extendUpdate = defineUpdate<{ accepted: true }, [ExtendArgs]>('extend');
export const keepUpdate = defineUpdate<{ accepted: true }, [KeepArgs]>('keep');
export const rotateUpdate = defineUpdate<{ accepted: true }, [RotateArgs]>('rotate');
export const rotationChoiceUpdate = defineUpdate<{ accepted: true }, [RotationChoiceArgs]>('rotationChoice');
/** The key changed in the store (revoked, edited by hand): re-read it now rather than at the next timer. */
export const keyChangedSignal = defineSignal('keyChanged');
export const lifecycleQuery = defineQuery<LifecycleState>('lifecycle');
export const revealSurfaceSignal = defineSignal<[RevealSurfaceArgs]>('revealSurface');

/**
 * Patch: the lifecycle reports the key's first call to its owner and nudges an unused key once
 * (domain/lifecyclePlan.ts firstCallWake). Runs from before it never plan either.
 */
export const FIRST_CALL_PATCH = 'first-call';
