/**
 * Fault injection for the fake: Slack failing the way it does in production, one call at a time.
 * A fault is armed for a target (a Web API method such as `chat.postEphemeral`, or `response_url`)
 * and hits the next `times` calls to it:
 *
 *   status       HTTP 500 or 503 with Slack's error body; nothing is applied.
 *   ratelimited  HTTP 429 with `Retry-After` (seconds); nothing is applied.
 *   expired      HTTP 404 `expired_url` (response_url only): the url is gone.
 *   hang         the request is held open and never answered (until the fake closes or the caller
 *                gives up); `apply: true` applies it first, as when Slack acted on a request and
 *                the answer was lost. A test kills keyops while it waits.
 *
 * `hit` resolves when the fault was first hit, so a test can act at exactly that moment.
 */
export type SlackFault =
  | { kind: 'status'; status: 500 | 503 }
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  | { kind: 'expired' }
  | { kind: 'hang'; apply: boolean };

/** A Web API method name, or `response_url` for every response_url. */
export type FaultTarget = string;

export interface ArmedFault {
  target: FaultTarget;
  fault: SlackFault;
  /** Resolves at the first call the fault hit, with that moment (real time, ms). */
  hit: Promise<number>;
  /** How many calls it has hit so far. */
  readonly hits: number;
  /** Disarms what is left of it. */
  clear(): void;
}

interface Entry {
  target: FaultTarget;
  fault: SlackFault;
  remaining: number;
  hits: number;
  onHit: (at: number) => void;
}

export class SlackFaults {
  private readonly armed: Entry[] = [];

  arm(target: FaultTarget, fault: SlackFault, options: { times?: number } = {}): ArmedFault {
    let onHit: (at: number) => void = () => undefined;
    const hit = new Promise<number>((resolve) => (onHit = resolve));
    const entry: Entry = { target, fault, remaining: options.times ?? 1, hits: 0, onHit };
    this.armed.push(entry);
    return {
      target,
      fault,
      hit,
      get hits() {
        return entry.hits;
      },
      clear: () => {
        entry.remaining = 0;
      },
    };
  }

  /** The fault for this call, if one is armed; counts the call against it. */
  take(target: FaultTarget): SlackFault | undefined {
    const entry = this.armed.find((e) => e.target === target && e.remaining > 0);
    if (!entry) return undefined;
    entry.remaining -= 1;
    entry.hits += 1;
    if (entry.hits === 1) entry.onHit(Date.now());
    return entry.fault;
  }

  clearAll(): void {
    for (const entry of this.armed) entry.remaining = 0;
  }
}

/** The HTTP answer for a fault that answers (every kind but hang). */
export function faultReply(fault: Exclude<SlackFault, { kind: 'hang' }>): { status: number; body: string; headers: Record<string, string> } {
  switch (fault.kind) {
    case 'status':
      // Slack's edge answers 5xx with an HTML or plain page, not the Web API's JSON envelope.
      return { status: fault.status, body: fault.status === 503 ? 'Service Unavailable' : 'Internal Server Error', headers: { 'content-type': 'text/plain' } };
    case 'ratelimited':
      return { status: 429, body: JSON.stringify({ ok: false, error: 'ratelimited' }), headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(fault.retryAfterSeconds) } };
    case 'expired':
      return { status: 404, body: 'expired_url', headers: { 'content-type': 'text/plain' } };
  }
}
