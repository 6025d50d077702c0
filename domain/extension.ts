/**
 * Extending a key: its expiry moves to "now + one of the lifetimes its environment allows", so
 * no extension ever reaches past the policy's longest lifetime from today. Keys that would need
 * an approver to be created need one to be extended (approval.ts decides; see needsApproval).
 */
import { findEnvironment, requestNeedsApproval, type Policy } from './policy';

export interface ExtendableKey {
  status: 'PENDING_REVEAL' | 'ACTIVE' | 'EXPIRED' | 'REVOKED';
  environment: string;
  scopes: readonly string[];
  expiresAt: Date;
}

export type ExtensionRefusal = 'NOT_ACTIVE' | 'UNKNOWN_ENVIRONMENT' | 'NOT_ALLOWED' | 'NOT_LATER' | 'NEEDS_APPROVAL';

export interface ExtensionChoice {
  lifetimeSeconds: number;
  expiresAt: Date;
}

/** The lifetimes that would move this key's expiry later, shortest first. */
export function extensionChoices(options: { policy: Policy; key: ExtendableKey; now: Date }): ExtensionChoice[] {
  const env = findEnvironment(options.policy, options.key.environment);
  if (!env) return [];
  return [...env.lifetimes]
    .sort((a, b) => a - b)
    .map((lifetimeSeconds) => ({ lifetimeSeconds, expiresAt: new Date(options.now.getTime() + lifetimeSeconds * 1000) }))
    .filter((c) => c.expiresAt.getTime() > options.key.expiresAt.getTime());
}

export type ExtensionPlan = { ok: true; expiresAt: Date } | { ok: false; refusal: ExtensionRefusal };

export function planExtension(options: { policy: Policy; key: ExtendableKey; lifetimeSeconds: number; now: Date }): ExtensionPlan {
  const { policy, key, now } = options;
  if (key.status !== 'ACTIVE' || key.expiresAt.getTime() <= now.getTime()) return { ok: false, refusal: 'NOT_ACTIVE' };
  const env = findEnvironment(policy, key.environment);
  if (!env) return { ok: false, refusal: 'UNKNOWN_ENVIRONMENT' };
  // The hook for approvals: until extensions can be sent to approvers, they are refused here.
  if (extensionNeedsApproval({ policy, key })) return { ok: false, refusal: 'NEEDS_APPROVAL' };
  if (!env.lifetimes.includes(options.lifetimeSeconds)) return { ok: false, refusal: 'NOT_ALLOWED' };
  const expiresAt = new Date(now.getTime() + options.lifetimeSeconds * 1000);
  if (expiresAt.getTime() <= key.expiresAt.getTime()) return { ok: false, refusal: 'NOT_LATER' };
  return { ok: true, expiresAt };
}

/** The same rule as for a new key: an environment that requires approval, or a sensitive scope. */
export function extensionNeedsApproval(options: { policy: Policy; key: Pick<ExtendableKey, 'environment' | 'scopes'> }): boolean {
  return requestNeedsApproval(options.policy, { environment: options.key.environment, scopes: options.key.scopes });
}
