/**
 * A key's first call after its reveal, as its owner reads it: "First call 14 s after reveal: 200
 * from `billing-api`". Pure, so the views, the activities and their tests share one wording.
 */

/** verify's answers that mean the key itself is live: the first call of a key is one of these. */
export const FIRST_CALL_OUTCOMES = ['VALID', 'RATE_LIMITED', 'MISSING_SCOPE'] as const;
export type FirstCallOutcome = (typeof FIRST_CALL_OUTCOMES)[number];

/** The route a call came through. */
export type FirstCallVia = 'verify' | 'gateway';

/** The name a gateway or service gives itself (X-Keyops-Caller): short, and safe in mrkdwn as is. */
export const CALLER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,63}$/;

export function callerName(header: string | undefined): string | null {
  const name = header?.trim();
  return name && CALLER_NAME_RE.test(name) ? name : null;
}

export function isFirstCallOutcome(code: string): code is FirstCallOutcome {
  return (FIRST_CALL_OUTCOMES as readonly string[]).includes(code);
}

export interface FirstCall {
  atMs: number;
  revealedAtMs: number;
  outcome: FirstCallOutcome;
  via: FirstCallVia;
  caller: string | null;
  /** The class of every status the gateway reported (POST /v1/usage) in the first call's minute, when all were errors of one class. */
  reportedErrorClass: '4xx' | '5xx' | null;
}

/** The first call as the store keeps it (api_keys.first_call_*); null when there was none. */
export function firstCallOf(row: {
  revealedAt: Date | null;
  firstCallAt: Date | null;
  firstCallOutcome: string | null;
  firstCallVia: string | null;
  firstCallCaller: string | null;
  firstCallReportedClass: string | null;
}): FirstCall | null {
  if (!row.firstCallAt || !row.revealedAt) return null;
  const outcome = row.firstCallOutcome ?? 'VALID';
  const reported = row.firstCallReportedClass;
  return {
    atMs: row.firstCallAt.getTime(),
    revealedAtMs: row.revealedAt.getTime(),
    outcome: isFirstCallOutcome(outcome) ? outcome : 'VALID',
    via: row.firstCallVia === 'gateway' ? 'gateway' : 'verify',
    caller: row.firstCallCaller,
    reportedErrorClass: reported === '4xx' || reported === '5xx' ? reported : null,
  };
}

/**
 * What the gateway reported for the first call's minute says about the first call only when it is
 * unanimous: every reported request an error, and of one class. Otherwise keyops's own answer stands.
 */
export function reportedErrorClass(counts: { reported: number; errors4xx: number; errors5xx: number }): '4xx' | '5xx' | null {
  if (counts.reported === 0 || counts.errors4xx + counts.errors5xx < counts.reported) return null;
  if (counts.errors5xx === 0) return '4xx';
  return counts.errors4xx === 0 ? '5xx' : null;
}

/** 14 s, 3 min, 2 h 5 min, 3 days. */
export function elapsedText(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return days === 1 ? '1 day' : `${days} days`;
}

const OUTCOME_TEXT: Record<FirstCallOutcome, string> = {
  VALID: '200',
  RATE_LIMITED: '429 (over its rate limit)',
  MISSING_SCOPE: '403 (a scope the route requires is missing)',
};

function statusText(call: FirstCall): string {
  if (call.outcome === 'VALID' && call.reportedErrorClass) return `${call.reportedErrorClass} (reported by the ${call.via === 'gateway' ? 'gateway' : 'service'})`;
  return OUTCOME_TEXT[call.outcome];
}

function sourceText(call: FirstCall): string {
  if (call.caller) return `from \`${call.caller}\``;
  return call.via === 'gateway' ? 'through gateway forward-auth' : 'through `POST /v1/keys/verify`';
}

/** "First call 14 s after reveal: 200 from `billing-api`" (mrkdwn). */
export function firstCallText(call: FirstCall): string {
  return `First call ${elapsedText(call.atMs - call.revealedAtMs)} after reveal: ${statusText(call)} ${sourceText(call)}`;
}

/** Whether the first call went through: the owner's snippet worked. */
export function firstCallSucceeded(call: FirstCall): boolean {
  return call.outcome === 'VALID' && call.reportedErrorClass === null;
}
