/** The audit log is append-only in the database itself, whoever connects and however. */
import { Client } from 'pg';
import { recordAudit } from '../../db/audit';
import { databaseUrl, useTestDb } from '../support/databases';

const store = useTestDb();

async function seedEvent(): Promise<bigint> {
  await recordAudit(store.db, { actorId: 'U0ADMIN', action: 'key.revoked', targetType: 'key', targetId: 'key_appendonly0001', source: 'slack:C0OPS', details: { reason: 'leaked' } });
  const event = await store.db.auditEvent.findFirstOrThrow({ where: { targetId: 'key_appendonly0001' }, orderBy: { id: 'desc' } });
  return event.id;
}

describe('audit_events', () => {
  it('takes new events', async () => {
    await seedEvent();
    expect(await store.db.auditEvent.count({ where: { targetId: 'key_appendonly0001' } })).toBeGreaterThanOrEqual(1);
  });

  it('refuses to change an event', async () => {
    const id = await seedEvent();
    await expect(store.db.auditEvent.update({ where: { id }, data: { actorId: 'U0SOMEONE_ELSE' } })).rejects.toThrow(/append-only: UPDATE refused/);
    expect((await store.db.auditEvent.findUniqueOrThrow({ where: { id } })).actorId).toBe('U0ADMIN');
  });

  it('refuses to delete events, one or all', async () => {
    const id = await seedEvent();
    await expect(store.db.auditEvent.delete({ where: { id } })).rejects.toThrow(/append-only: DELETE refused/);
    await expect(store.db.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(store.db.$executeRawUnsafe('TRUNCATE audit_events')).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect(await store.db.auditEvent.findUnique({ where: { id } })).not.toBeNull();
  });

  it('refuses a plain SQL session too, not only keyops', async () => {
    const id = await seedEvent();
    const database = (await store.db.$queryRaw<Array<{ db: string }>>`SELECT current_database() AS db`)[0]?.db as string;
    const client = new Client({ connectionString: databaseUrl(database) });
    await client.connect();
    try {
      await expect(client.query('UPDATE audit_events SET details = $1 WHERE id = $2', ['{}', String(id)])).rejects.toThrow(/append-only/);
      await expect(client.query('DELETE FROM audit_events WHERE id = $1', [String(id)])).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
  });
});
