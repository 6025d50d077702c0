/**
 * A request nobody could approve is refused at submit, with the group and the fix named: a
 * sensitive group Slack cannot list (no escalation stands in for it), and an approver group with
 * nobody in it but the requester. Real Bolt, PostgreSQL and Temporal; Slack faked at its API.
 */
import { askForKey } from '../support/approvalJourney';
import { startHarness, type Harness } from '../support/keyopsHarness';

let h: Harness;
beforeAll(async () => {
  // The shipped policy: production needs one of S0PLATFORM; billing:read also one of S0SECURITY,
  // which this Slack does not know (as when the app lacks usergroups:read).
  h = await startHarness({ usergroups: { S0PLATFORM: ['U0LONE'] } });
});
afterAll(async () => {
  await h?.stop();
});

describe('approver groups checked at submit', () => {
  it('refuses a sensitive request whose security group Slack cannot list, naming the group and the fix', async () => {
    const ask = askForKey(h, { userId: 'U0REQ1', name: 'Invoices', environment: 'test', lifetime: '30d', scopes: ['read', 'billing:read'] });
    await expect(ask).rejects.toThrow(/new_key\.scopes.*S0SECURITY.*approval\.sensitiveApprovers.*usergroups:read/);
    expect(await h.db.keyRequest.count({ where: { requesterId: 'U0REQ1' } })).toBe(0);
  });

  it('refuses a request when nobody but the requester could approve it, and accepts the same from someone else', async () => {
    await expect(askForKey(h, { userId: 'U0LONE', name: 'Alone' })).rejects.toThrow(/nobody but you is in the policy's approval\.approvers \(S0PLATFORM\)/);
    expect(await h.db.keyRequest.count({ where: { requesterId: 'U0LONE' } })).toBe(0);
    await expect(askForKey(h, { userId: 'U0REQ2', name: 'Accompanied' })).resolves.toMatch(/./);
  });
});
