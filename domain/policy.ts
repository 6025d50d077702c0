/**
 * The policy: who may get which keys, how, and for how long. Parsed from YAML with zod at
 * start-up (config/policyFile.ts); every duration is normalised to seconds here.
 */
import { z } from 'zod';
import { durationSchema } from './duration';

const slackIdSchema = z.string().regex(/^[USW][A-Z0-9]{2,}$/, 'must be a Slack user (U…/W…) or user-group (S…) id');
const idList = z.array(slackIdSchema).default([]);

const scopeSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/, 'scope names are lower-case, e.g. billing:read'),
  description: z.string().min(1).max(150),
  sensitive: z.boolean().default(false),
});

const environmentSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'environment names are lower-case words'),
    tag: z.string().regex(/^[a-z0-9]{1,8}$/, 'tags are 1-8 lower-case letters or digits'),
    default: z.boolean().default(false),
    lifetimes: z.array(durationSchema).min(1),
    defaultLifetime: durationSchema,
    approval: z.enum(['none', 'required']),
  })
  .refine((env) => env.lifetimes.includes(env.defaultLifetime), {
    message: 'defaultLifetime must be one of lifetimes',
    path: ['defaultLifetime'],
  });

const rateLimitSchema = z.strictObject({
  perSecond: z.number().int().positive(),
  burst: z.number().int().positive(),
  monthlyQuota: z.number().int().positive(),
});

/** How long usage is kept at each resolution (durations in seconds once parsed). */
const usageSchema = z
  .strictObject({
    retention: z
      .strictObject({
        minutes: durationSchema.prefault('7d'),
        hours: durationSchema.prefault('90d'),
        days: durationSchema.prefault('400d'),
      })
      .prefault({}),
  })
  .prefault({})
  .refine((u) => u.retention.minutes <= u.retention.hours && u.retention.hours <= u.retention.days, {
    message: 'keep coarser resolutions at least as long as finer ones (minutes ≤ hours ≤ days)',
    path: ['retention'],
  });

/**
 * What a leaked key triggers: revoked at once (the default) or only reported to on-call, with a
 * Revoke button. Slack pastes and public leaks (GitHub secret scanning) are set apart because a
 * paste in a private channel is a smaller exposure than a public repository.
 */
const leaksSchema = z
  .strictObject({
    onSlackPaste: z.enum(['revoke', 'notify']).default('revoke'),
    onPublicLeak: z.enum(['revoke', 'notify']).default('revoke'),
    channel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id (C…)').nullable().default(null),
  })
  .prefault({});

/**
 * After a reveal keyops watches for the key's first call and tells its owner; a key still unused
 * `nudgeAfter` its reveal gets one nudge with the quick-start again (`false`: never).
 */
const firstCallSchema = z
  .strictObject({
    nudgeAfter: z.union([z.literal(false), durationSchema]).prefault('1h'),
  })
  .prefault({});

const approvalSchema = z.strictObject({
  approvers: idList,
  sensitiveApprovers: idList,
  required: z.union([z.literal(1), z.literal(2)]).default(1),
  managers: z.record(slackIdSchema, slackIdSchema).default({}),
  reminderEvery: durationSchema,
  escalateAfter: durationSchema,
  escalateTo: idList,
  timeout: durationSchema,
  channel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id (C…)').nullable().default(null),
});

export const policySchema = z
  .strictObject({
    keyPrefix: z.string().regex(/^[a-z][a-z0-9]{1,11}$/, 'use 2-12 lower-case letters or digits, starting with a letter'),
    reveal: z.strictObject({ window: durationSchema }),
    quickStart: z.strictObject({ exampleUrl: z.url() }),
    roles: z.strictObject({ admins: idList, oncall: idList, viewers: idList, developers: idList }),
    scopes: z.array(scopeSchema).min(1),
    defaultScopes: z.array(z.string()).default([]),
    environments: z.array(environmentSchema).min(1),
    approval: approvalSchema,
    rotation: z.strictObject({ graceOptions: z.array(durationSchema).min(1), defaultGrace: durationSchema }),
    notices: z.strictObject({
      expiry: z.array(durationSchema).default([]),
      expiringSoon: durationSchema,
      unusedAfter: durationSchema,
      neverUsedAfter: durationSchema,
    }),
    limits: z.strictObject({ keyRequestsPerUserPerHour: z.number().int().positive() }),
    rateLimits: z.record(z.string(), rateLimitSchema).default({}),
    usage: usageSchema,
    leaks: leaksSchema,
    firstCall: firstCallSchema,
  })
  .superRefine((policy, ctx) => {
    const scopeNames = new Set(policy.scopes.map((s) => s.name));
    policy.defaultScopes.forEach((name, i) => {
      if (!scopeNames.has(name)) ctx.addIssue({ code: 'custom', path: ['defaultScopes', i], message: `unknown scope "${name}"` });
    });
    const defaults = policy.environments.filter((e) => e.default);
    if (defaults.length > 1) ctx.addIssue({ code: 'custom', path: ['environments'], message: 'only one environment can be the default' });
    const seen = new Set<string>();
    policy.environments.forEach((env, i) => {
      if (seen.has(env.name) || seen.has(env.tag)) ctx.addIssue({ code: 'custom', path: ['environments', i], message: 'environment names and tags must be unique' });
      seen.add(env.name).add(env.tag);
    });
    const envNames = new Set(policy.environments.map((e) => e.name));
    for (const name of Object.keys(policy.rateLimits)) {
      if (!envNames.has(name)) ctx.addIssue({ code: 'custom', path: ['rateLimits', name], message: `unknown environment "${name}"` });
    }
    if (!policy.rotation.graceOptions.includes(policy.rotation.defaultGrace)) {
      ctx.addIssue({ code: 'custom', path: ['rotation', 'defaultGrace'], message: 'defaultGrace must be one of graceOptions' });
    }
    checkApproval({ ...policy, ctx });
  });

/** An approval section that cannot work (nobody to ask, a request that expires before it escalates) stops start-up. */
function checkApproval(options: {
  approval: z.output<typeof approvalSchema>;
  environments: ReadonlyArray<{ approval: 'none' | 'required' }>;
  scopes: ReadonlyArray<{ name: string; sensitive: boolean }>;
  ctx: z.RefinementCtx;
}): void {
  const { approval, ctx } = options;
  const issue = (path: string[], message: string): void => ctx.addIssue({ code: 'custom', path: ['approval', ...path], message });
  const sensitive = options.scopes.filter((s) => s.sensitive).map((s) => s.name);
  const approvalsHappen = sensitive.length > 0 || options.environments.some((e) => e.approval === 'required');
  if (approvalsHappen && approval.approvers.length === 0) issue(['approvers'], 'some keys need approval, so at least one approver (user or group) is required');
  if (sensitive.length > 0 && approval.sensitiveApprovers.length === 0) issue(['sensitiveApprovers'], `sensitive scopes (${sensitive.join(', ')}) must also be approved by someone listed here`);
  for (const [requester, manager] of Object.entries(approval.managers)) {
    if (requester === manager) issue(['managers', requester], 'nobody approves their own requests: a manager cannot be the requester');
  }
  if (approval.escalateTo.length > 0 && approval.escalateAfter >= approval.timeout) issue(['escalateAfter'], 'must be shorter than timeout, or requests expire before they escalate');
}

export type Policy = z.output<typeof policySchema>;
export type PolicyEnvironment = Policy['environments'][number];
export type PolicyScope = Policy['scopes'][number];

export function defaultEnvironment(policy: Policy): PolicyEnvironment {
  return policy.environments.find((e) => e.default) ?? (policy.environments[0] as PolicyEnvironment);
}

export function findEnvironment(policy: Policy, name: string): PolicyEnvironment | undefined {
  return policy.environments.find((e) => e.name === name);
}

export function findEnvironmentByTag(policy: Policy, tag: string): PolicyEnvironment | undefined {
  return policy.environments.find((e) => e.tag === tag);
}

/** Approval is needed for an environment that requires it or for any sensitive scope. */
export function requestNeedsApproval(policy: Policy, request: { environment: string; scopes: readonly string[] }): boolean {
  const env = findEnvironment(policy, request.environment);
  if (env?.approval === 'required') return true;
  return policy.scopes.some((s) => s.sensitive && request.scopes.includes(s.name));
}

export type RateLimit = z.output<typeof rateLimitSchema>;

/** The per-key limits of an environment; null when the policy sets none (unlimited). */
export function rateLimitFor(policy: Policy, environment: string): RateLimit | null {
  return policy.rateLimits[environment] ?? null;
}

export type LeakPolicy = Policy['leaks'];
export type LeakAction = LeakPolicy['onSlackPaste'];

export type Role = 'admin' | 'oncall' | 'viewer' | 'developer';
