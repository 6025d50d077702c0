/**
 * Acks before anything else. What a person feels of a slash command or a click is the ack (Slack
 * waits for it, up to 3 s), but a listener's work after its ack (database reads, Block Kit, the
 * response_url call, logs) runs on the same event loop as the next requests' acks: when 50
 * commands arrive at once, the last ack used to wait for the work after the first 49 acks too
 * (bench/acks.ts measured p99 up to 4.6× a bare Bolt app's).
 *
 * So the receiver hands Bolt each request with an ack that, once the answer is sent, waits until
 * no request that arrived is still waiting for its own ack and none arrived for QUIET_MS (at least
 * one turn of the event loop, at most MAX_WAIT_MS so that work after an ack never starves under
 * sustained load) before the listener goes on. Nothing is reordered within a request and nothing is dropped; only the work
 * after acks yields to acks. Both receivers (HTTP and Socket Mode) hand events to the app through
 * `processEvent`, so a wrapper around the receiver covers every command, click, submission and
 * event.
 */
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';

/** Work after an ack waits for the other acks at most this long (a response_url answer is late by that much at worst). */
export const MAX_WAIT_MS = 250;
/**
 * Requests of a burst do not all arrive in one turn of the event loop (Slack, or a loaded machine,
 * spreads them over milliseconds): work after acks also waits until none has arrived for this long.
 */
export const QUIET_MS = 10;
/** Slack gives up on an ack after 3 s: a request still unacked by then holds nothing back any more. */
export const ACK_DEADLINE_MS = 3_000;

export interface AckGate {
  /** The event with its ack wrapped, and `settle` to call once the app is done with it (acked or not). */
  admit(event: ReceiverEvent): { event: ReceiverEvent; settle: () => void };
  /** Resolves once no admitted request is waiting for its ack and none arrived for `quietMs`, or after `maxWaitMs`. */
  quiet(): Promise<void>;
}

export function createAckGate(options: { maxWaitMs?: number; quietMs?: number; deadlineMs?: number } = {}): AckGate {
  const maxWaitMs = options.maxWaitMs ?? MAX_WAIT_MS;
  const quietMs = options.quietMs ?? QUIET_MS;
  const deadlineMs = options.deadlineMs ?? ACK_DEADLINE_MS;
  let unacked = 0;
  let lastArrival = -Infinity;
  let waiting: Array<() => void> = [];
  let checking = false;
  const releaseWhenQuiet = (): void => {
    if (checking || unacked > 0 || waiting.length === 0) return;
    const left = lastArrival + quietMs - performance.now();
    // setImmediate at the least: the check phase, after the poll phase has handed out every request that arrived.
    const wakeAll = (): void => {
      checking = false;
      if (unacked > 0) return;
      if (performance.now() < lastArrival + quietMs) return releaseWhenQuiet();
      const wake = waiting;
      waiting = [];
      for (const w of wake) w();
    };
    checking = true;
    if (left > 0) setTimeout(wakeAll, left);
    else setImmediate(wakeAll);
  };
  const quiet = (): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiting = waiting.filter((w) => w !== wake);
        resolve();
      }, maxWaitMs);
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      waiting.push(wake);
      releaseWhenQuiet();
    });
  return {
    quiet,
    admit(event) {
      unacked += 1;
      lastArrival = performance.now();
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        unacked -= 1;
        releaseWhenQuiet();
      };
      // A listener that hangs before its ack must not hold every later answer back.
      const deadline = setTimeout(settle, deadlineMs);
      deadline.unref();
      const ack: ReceiverEvent['ack'] = async (response) => {
        try {
          await event.ack(response);
        } finally {
          settle();
        }
        await quiet();
      };
      return { event: { ...event, ack }, settle };
    },
  };
}

/** `receiver`, handing the app every event through `gate` (the app itself is untouched). */
export function ackFirst(receiver: Receiver, gate: AckGate = createAckGate()): Receiver {
  return {
    init(app: App) {
      // The receiver sees the app only through processEvent; everything else is the app's own.
      const facade = Object.create(app) as App;
      facade.processEvent = async (event: ReceiverEvent) => {
        const admitted = gate.admit(event);
        try {
          await app.processEvent(admitted.event);
        } finally {
          admitted.settle();
        }
      };
      receiver.init(facade);
    },
    start: (...args: unknown[]) => receiver.start(...args),
    stop: (...args: unknown[]) => receiver.stop(...args),
  };
}
