/**
 * `/apikey audit`: owners read the trail of their own keys, admins anyone's, others are refused;
 * newest first, paged; reading someone else's trail or usage is itself audited.
 */
import { recordAudit } from '../../db/audit';
import type { FakeMessage } from '../../playground/slack';
import { startHarness, type Harness } from '../support/keyopsHarness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function command(userId: string, text: string): Promise<FakeMessage> {
  const before = h.fake.ephemeralMessages({ userId }).length;
  const ack = await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text });
  expect(ack.status).toBe(200);
  return h.fake.waitFor(() => h.fake.ephemeralMessages({ userId })[before]);
}

const blockText = (m: FakeMessage): string => JSON.stringify(m.blocks);

describe('/apikey audit', () => {
  it('shows an owner the trail of their keys, newest first, paged, escaped', async () => {
    const key = await h.seedKey({ ownerId: 'U0AUDOWNER', name: 'audited' });
    for (let i = 1; i <= 20; i++) {
      await recordAudit(h.db, { actorId: 'U0AUDOWNER', action: `test.step_${String(i).padStart(2, '0')}`, targetType: 'key', targetId: key.id, source: 'slack:T0/C0OPS', details: { reason: i === 20 ? '<https://evil.example|Approve here> @channel' : `step ${i}` } });
    }
    const page = await command('U0AUDOWNER', 'audit');
    const text = blockText(page);
    expect(text).toContain('Audit trail of your keys');
    expect(text.indexOf('test.step_20')).toBeLessThan(text.indexOf('test.step_19'));
    expect(text).toContain('<#C0OPS>');
    expect(text).toContain('&lt;https://evil.example|Approve here&gt;');
    expect(text).not.toContain('<https://evil.example');
    expect(text).toMatch(/<!date\^\d+\^/);
    expect(text).not.toContain('test.step_01');
    const edits = page.history.length;
    await h.driver.clickButtonInMessage({ userId: 'U0AUDOWNER', message: page, actionText: 'Older' });
    await h.fake.waitFor(() => page.history.length > edits);
    expect(blockText(page)).toContain('test.step_01');
    expect(blockText(page)).not.toContain('test.step_20');
    // An owner's own trail is not worth an audit line of its own.
    expect(await h.db.auditEvent.count({ where: { actorId: 'U0AUDOWNER', action: 'audit.read' } })).toBe(0);
  });

  it('refuses someone else\'s key or person to a non-admin, and audits the attempt', async () => {
    const key = await h.seedKey({ ownerId: 'U0AUDVICTIM', name: 'private' });
    await recordAudit(h.db, { actorId: 'U0AUDVICTIM', action: 'test.secret_step', targetType: 'key', targetId: key.id, source: 'api' });
    const byKey = await command('U0AUDSNOOP', `audit ${key.id}`);
    expect(byKey.text).toContain('You can read the audit trail of your own keys only');
    const byPerson = await command('U0AUDSNOOP', 'audit <@U0AUDVICTIM|victim> 30d');
    expect(byPerson.text).toContain('your own keys only');
    expect(h.fake.ephemeralMessages({ userId: 'U0AUDSNOOP' }).some((m) => blockText(m).includes('test.secret_step'))).toBe(false);
    expect(await h.db.auditEvent.count({ where: { actorId: 'U0AUDSNOOP', action: 'audit.read_refused' } })).toBe(2);
  });

  it('lets an admin read anyone\'s trail, and records that they did', async () => {
    const key = await h.seedKey({ ownerId: 'U0AUDPERSON', name: 'watched' });
    await recordAudit(h.db, { actorId: 'U0AUDPERSON', action: 'test.person_step', targetType: 'key', targetId: key.id, source: 'cli' });
    const page = await command('U0ADMIN', 'audit <@U0AUDPERSON|person> 30d');
    expect(blockText(page)).toContain('test.person_step');
    expect(blockText(page)).toContain('CLI');
    expect(await h.db.auditEvent.findFirst({ where: { actorId: 'U0ADMIN', action: 'audit.read', targetId: 'U0AUDPERSON' } })).not.toBeNull();
    await command('U0ADMIN', `usage ${key.id}`);
    expect(await h.db.auditEvent.findFirst({ where: { actorId: 'U0ADMIN', action: 'usage.read', targetId: key.id } })).not.toBeNull();
  });
});
