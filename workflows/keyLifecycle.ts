/**
 * keyLifecycleWorkflow: one entity workflow per active key, id `key-lifecycle-<keyId>`, from the
 * reveal until the key expires or is revoked. Durable timers carry every "later": the expiry
 * notices, the expiry itself, the unused-key checks and a rotation's grace period.
 *
 * The database stays the truth. Each timer's activity re-reads the key and returns what it found,
 * so an extension, a revocation or a last-used time written elsewhere re-plans the next wake-up
 * instead of being overruled by this workflow's memory. `keyChangedSignal` makes it look at once.
 *
 * Clicks arrive as updates that only validate and queue the command (see keyRequest.ts on why
 * update handlers stay short); the loop below does the work. The history stays small: once it
 * grows past a threshold, the workflow continues as new at a quiet moment.
 */
import { allHandlersFinished, condition, continueAsNew, log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  carryNoticePlan,
  firstCallWake,
  freshNoticePlan,
  nextExpiryNotice,
  takeDueNotices,
  usageCheck,
  type ExpiryNoticePlan,
  type LifecycleFacts,
  type NoticeSchedule,
} from '../domain/lifecyclePlan';
import { background, interactive } from './proxies';
import { createRotation, type RotateArgs, type RotationChoiceArgs } from './keyRotation';
import { newKeyRevealedSignal } from './rotationReveal';
import {
  FIRST_CALL_PATCH,
  extendUpdate,
  keepUpdate,
  keyChangedSignal,
  lifecycleQuery,
  rotateUpdate,
  revealSurfaceSignal,
  rotationChoiceUpdate,
  type ExtendArgs,
  type KeepArgs,
  type KeyLifecycleInput,
  type LifecycleEnd,
  type LifecycleRefusal,
  type RevealSurfaceArgs,
  type WakeKind,
} from './keyLifecycleUpdates';

export * from './keyLifecycleUpdates';

type Command = { kind: 'extend'; args: ExtendArgs } | { kind: 'keep'; args: KeepArgs } | { kind: 'rotate'; args: RotateArgs } | { kind: 'choice'; args: RotationChoiceArgs };

const ACCEPTED: { accepted: true } = { accepted: true };
const DEFAULT_MAX_HISTORY_EVENTS = 2000;
/** A wake-up that changes nothing twice in a row backs off instead of spinning. */
const STUCK_BACKOFF_MS = 600_000;

function refuse(code: LifecycleRefusal): never {
  throw new Error(code);
}

export async function keyLifecycleWorkflow(input: KeyLifecycleInput): Promise<LifecycleEnd> {
  const { keyId } = input;
  const commands: Command[] = [];
  let changed = false;
  let facts: LifecycleFacts | null = null;
  let loaded = false;
  let plan: ExpiryNoticePlan | null = null;
  let next: { kind: WakeKind; atMs: number } | null = null;
  const rotation = createRotation({ keyId, factsNow: () => facts });
  // Read through a function: handlers change these between awaits, and TypeScript would narrow them.
  const factsNow = (): LifecycleFacts | null => facts;
  const active = (): boolean => facts?.status === 'ACTIVE';

  // First, before any handler or timer: whether this run watches for the first call is fixed for it.
  const watchFirstCall = patched(FIRST_CALL_PATCH);
  let revealSurface: RevealSurfaceArgs | null = null;
  setHandler(revealSurfaceSignal, (surface) => {
    revealSurface = surface;
  });
  setHandler(lifecycleQuery, () => ({ facts, next, rotation: rotation.view(), sentExpiryNotices: plan?.sentBeforeSeconds ?? [] }));
  setHandler(keyChangedSignal, () => {
    changed = true;
  });
  setHandler(newKeyRevealedSignal, ({ newKeyId }) => rotation.revealed(newKeyId));
  // Before the first load (an update that started this workflow) there is nothing to refuse on;
  // the activity that does the work checks the store either way.
  const mustBeActive = (): void => {
    if (loaded && !active()) refuse('KEY_NOT_ACTIVE');
  };
  const accept = (command: Command): { accepted: true } => {
    commands.push(command);
    return ACCEPTED;
  };
  setHandler(extendUpdate, (args: ExtendArgs) => accept({ kind: 'extend', args }), { validator: (_args: ExtendArgs) => mustBeActive() });
  setHandler(keepUpdate, (args: KeepArgs) => accept({ kind: 'keep', args }), { validator: (_args: KeepArgs) => mustBeActive() });
  setHandler(rotateUpdate, (args: RotateArgs) => accept({ kind: 'rotate', args }), {
    validator: (_args: RotateArgs) => {
      mustBeActive();
      if (rotation.inProgress() || commands.some((c) => c.kind === 'rotate')) refuse('ROTATION_IN_PROGRESS');
    },
  });
  setHandler(rotationChoiceUpdate, (args: RotationChoiceArgs) => accept({ kind: 'choice', args }), {
    validator: (args: RotationChoiceArgs) => {
      mustBeActive();
      if (!rotation.accepts(args.newKeyId)) refuse('NO_ROTATION');
    },
  });

  // Local first (fast starts at scale); if the store is unreachable for a while, keep trying as an
  // ordinary activity rather than fail the workflow.
  const snapshot = input.snapshot ?? (await interactive.loadKeyLifecycle({ keyId }).catch(() => background.loadKeyLifecycle({ keyId })));
  const schedule: NoticeSchedule = snapshot.schedule;
  const applyFacts = (fresh: LifecycleFacts | null): void => {
    facts = fresh;
    if (fresh && plan?.expiresAtMs !== fresh.expiresAtMs) plan = freshNoticePlan(fresh.expiresAtMs, Date.now());
  };
  facts = snapshot.facts;
  plan = facts ? carryNoticePlan(input.noticePlan, facts.expiresAtMs, Date.now()) : null;
  loaded = true;

  const runCommand = async (command: Command): Promise<void> => {
    switch (command.kind) {
      case 'extend':
        return applyFacts(await interactive.extendKeyExpiry({ keyId, ...command.args }));
      case 'keep':
        return applyFacts(await interactive.keepUnusedKey({ keyId, ...command.args }));
      case 'rotate':
        return applyFacts(await rotation.start(command.args));
      case 'choice':
        return applyFacts(await rotation.choose(command.args, schedule));
    }
  };

  const runWake = async (wake: { kind: WakeKind; atMs: number }, current: LifecycleFacts, currentPlan: ExpiryNoticePlan): Promise<void> => {
    switch (wake.kind) {
      case 'expiry':
        return applyFacts(await background.expireKey({ keyId, expiresAtMs: current.expiresAtMs }));
      case 'expiry_notice': {
        const due = takeDueNotices(currentPlan, schedule, Date.now());
        plan = due.plan;
        if (due.send === null) return;
        return applyFacts(await background.sendExpiryNotice({ keyId, expiresAtMs: current.expiresAtMs, beforeSeconds: due.send }));
      }
      case 'usage_check':
        return applyFacts(await background.checkKeyUsage({ keyId, dueAtMs: wake.atMs }));
      case 'rotation_check':
      case 'rotation_end':
        return applyFacts(await rotation.wake(wake.kind, schedule));
      case 'first_call': {
        const surface = revealSurface as RevealSurfaceArgs | null;
        return applyFacts(await background.reportFirstCall({ keyId, ...(surface ? { surface } : {}) }));
      }
      case 'first_call_nudge':
        return applyFacts(await background.nudgeUnusedKey({ keyId, dueAtMs: wake.atMs }));
    }
  };

  let lastWake = '';
  for (;;) {
    const current = factsNow();
    if (!current || current.status !== 'ACTIVE' || !plan) break;
    // A finished delivery first: a choice clicked meanwhile applies to the grace period it starts.
    if (rotation.graceDue()) {
      applyFacts(await rotation.beginGrace());
      continue;
    }
    if (rotation.childFinished()) {
      applyFacts(await rotation.settleDelivery());
      continue;
    }
    const command = commands.shift();
    if (command) {
      // A click whose work failed even after retries (the store down for a while) is dropped,
      // not allowed to end the key's lifecycle; the person who clicked saw no confirmation.
      await runCommand(command).catch((error: unknown) => log.warn('lifecycle command failed', { keyId, command: command.kind, error: String(error) }));
      continue;
    }
    if (changed) {
      changed = false;
      applyFacts((await background.loadKeyLifecycle({ keyId })).facts);
      continue;
    }
    if (!rotation.inProgress() && workflowInfo().historyLength > (input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS)) {
      await condition(allHandlersFinished);
      if (commands.length === 0 && !changed) return continueAsNew<typeof keyLifecycleWorkflow>({ ...input, snapshot: undefined, noticePlan: plan });
      continue;
    }

    next = nextWake({ facts: current, plan, schedule, rotationWake: rotation.nextWake(schedule), firstCall: watchFirstCall });
    const wait = next.atMs - Date.now();
    if (wait > 0) {
      const interrupted = await condition(() => commands.length > 0 || changed || rotation.childFinished() || rotation.graceDue(), wait);
      if (interrupted) continue;
    }
    const wakeKey = `${next.kind}@${next.atMs}:${JSON.stringify(current)}`;
    if (wakeKey === lastWake) {
      // The activity found nothing to do and the plan did not move: wait rather than spin.
      await condition(() => commands.length > 0 || changed, STUCK_BACKOFF_MS);
      lastWake = '';
      continue;
    }
    lastWake = wakeKey;
    await runWake(next, current, plan);
  }

  await condition(allHandlersFinished);
  next = null;
  const end = factsNow();
  if (!end) return 'gone';
  return end.status === 'EXPIRED' ? 'expired' : 'revoked';
}

function nextWake(options: { facts: LifecycleFacts; plan: ExpiryNoticePlan; schedule: NoticeSchedule; rotationWake: { kind: WakeKind; atMs: number } | null; firstCall: boolean }): { kind: WakeKind; atMs: number } {
  const { facts } = options;
  const candidates: Array<{ kind: WakeKind; atMs: number }> = [{ kind: 'expiry', atMs: facts.expiresAtMs }];
  const notice = nextExpiryNotice(options.plan, options.schedule);
  if (notice) candidates.push({ kind: 'expiry_notice', atMs: notice.atMs });
  const usage = usageCheck(facts, options.schedule);
  // A key in a rotation's grace is on its way out: nobody needs to hear that it is unused.
  if (usage && facts.graceEndsAtMs === null) candidates.push({ kind: 'usage_check', atMs: usage.atMs });
  if (options.rotationWake) candidates.push(options.rotationWake);
  const firstCall = options.firstCall ? firstCallWake(facts, options.schedule) : null;
  if (firstCall) candidates.push(firstCall);
  // Earliest first; on a tie the order above wins (the expiry before anything it makes moot).
  return candidates.reduce((best, c) => (c.atMs < best.atMs ? c : best));
}
