import { carryNoticePlan, freshNoticePlan, nextExpiryNotice, rotationCheckAt, takeDueNotices, usageCheck, type LifecycleFacts, type NoticeSchedule } from '../../../domain/lifecyclePlan';

const DAY = 86_400_000;
const schedule: NoticeSchedule = { expiryNoticeSeconds: [14 * 86400, 3 * 86400, 86400], unusedAfterSeconds: 90 * 86400, neverUsedAfterSeconds: 14 * 86400, defaultGraceSeconds: 86400 };
const facts = (overrides: Partial<LifecycleFacts> = {}): LifecycleFacts => ({
  status: 'ACTIVE', ownerId: 'U1', expiresAtMs: 30 * DAY, revealedAtMs: 0, lastUsedAtMs: null, keptAtMs: null, unusedNoticeAtMs: null, graceEndsAtMs: null, replacementKeyId: null, ...overrides,
});

describe('expiry notices', () => {
  it('come at 14, 3 and 1 days before the expiry, earliest first', () => {
    let plan = freshNoticePlan(30 * DAY, 0);
    const times: number[] = [];
    for (let next = nextExpiryNotice(plan, schedule); next; next = nextExpiryNotice(plan, schedule)) {
      times.push(next.atMs / DAY);
      plan = takeDueNotices(plan, schedule, next.atMs).plan;
    }
    expect(times).toEqual([16, 27, 29]);
  });

  it('skip a notice that was already past when the expiry was set', () => {
    expect(nextExpiryNotice(freshNoticePlan(7 * DAY, 0), schedule)?.atMs).toBe(4 * DAY);
  });

  it('collapse into the most urgent one when several are due together', () => {
    const plan = { expiresAtMs: 30 * DAY, plannedFromMs: 0, sentBeforeSeconds: [] };
    const due = takeDueNotices(plan, schedule, 29.5 * DAY);
    expect(due.send).toBe(86400);
    expect(nextExpiryNotice(due.plan, schedule)).toBeNull();
    expect(takeDueNotices(plan, schedule, 10 * DAY)).toEqual({ send: null, plan });
  });

  it('carry across a reload only while the expiry is unchanged', () => {
    const plan = { expiresAtMs: 30 * DAY, plannedFromMs: 0, sentBeforeSeconds: [14 * 86400] };
    expect(carryNoticePlan(plan, 30 * DAY, 20 * DAY)).toBe(plan);
    expect(carryNoticePlan(plan, 90 * DAY, 20 * DAY)).toEqual({ expiresAtMs: 90 * DAY, plannedFromMs: 20 * DAY, sentBeforeSeconds: [] });
    expect(carryNoticePlan(undefined, 30 * DAY, 5)).toEqual(freshNoticePlan(30 * DAY, 5));
  });
});

describe('usage checks', () => {
  it('ask about a never-used key 14 days after its reveal', () => {
    expect(usageCheck(facts({ revealedAtMs: 2 * DAY }), schedule)).toEqual({ atMs: 16 * DAY, kind: 'never_used' });
  });

  it('ask about a used key 90 days after its last use, or after the later notice or Keep', () => {
    expect(usageCheck(facts({ lastUsedAtMs: 10 * DAY }), schedule)).toEqual({ atMs: 100 * DAY, kind: 'unused' });
    expect(usageCheck(facts({ lastUsedAtMs: 10 * DAY, unusedNoticeAtMs: 100 * DAY }), schedule)?.atMs).toBe(190 * DAY);
    expect(usageCheck(facts({ lastUsedAtMs: 10 * DAY, unusedNoticeAtMs: 100 * DAY, keptAtMs: 120 * DAY }), schedule)?.atMs).toBe(210 * DAY);
  });

  it('keep asking about a never-used key every 90 days after the first notice', () => {
    expect(usageCheck(facts({ unusedNoticeAtMs: 14 * DAY }), schedule)).toEqual({ atMs: 104 * DAY, kind: 'never_used' });
  });

  it('do not apply to a key that was never revealed', () => {
    expect(usageCheck(facts({ revealedAtMs: null }), schedule)).toBeNull();
  });
});

describe('rotation check', () => {
  it('comes half the grace before its end, at most a day before', () => {
    expect(rotationCheckAt(10 * DAY, 3600)).toBe(10 * DAY - 1800_000);
    expect(rotationCheckAt(10 * DAY, 86400)).toBe(10 * DAY - 12 * 3600_000);
    expect(rotationCheckAt(10 * DAY, 7 * 86400)).toBe(9 * DAY);
  });
});
