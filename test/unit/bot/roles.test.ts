import { loadPolicy } from '../../../config/policyFile';
import { createRoleResolver, type GroupDirectory } from '../../../bot/access/roles';
import { createLogger } from '../../../runtime/log';

const base = loadPolicy(undefined).policy;
const policy = { ...base, roles: { admins: ['U0ADMIN'], oncall: ['S0ONCALL'], viewers: ['U0VIEW'], developers: [] } };
const log = createLogger({ name: 'test', sink: () => undefined });

function directory(groups: Record<string, string[]>, calls: string[] = []): GroupDirectory {
  return {
    membersOf: async (id) => {
      calls.push(id);
      if (!(id in groups)) throw new Error('no_such_subteam');
      return groups[id] as string[];
    },
  };
}

describe('roles', () => {
  it('resolves direct ids, group members and the developer default', async () => {
    const roles = createRoleResolver({ policy, directory: directory({ S0ONCALL: ['U0PAGER'] }), log });
    expect([...(await roles.rolesOf('U0ADMIN'))]).toEqual(['admin', 'developer']);
    expect([...(await roles.rolesOf('U0PAGER'))]).toEqual(['oncall', 'developer']);
    expect([...(await roles.rolesOf('U0VIEW'))]).toEqual(['viewer']);
    expect([...(await roles.rolesOf('U0SOMEONE'))]).toEqual(['developer']);
  });

  it('makes only roles.developers developers when it is set, and never a viewer', async () => {
    const listed = { ...policy, roles: { ...policy.roles, viewers: ['U0VIEW', 'S0DEVS'], developers: ['S0DEVS', 'U0SOLO'] } };
    const roles = createRoleResolver({ policy: listed, directory: directory({ S0ONCALL: ['U0PAGER'], S0DEVS: ['U0DEV1', 'U0VIEWDEV'] }), log });
    expect([...(await roles.rolesOf('U0SOLO'))]).toEqual(['developer']);
    expect([...(await roles.rolesOf('U0SOMEONE'))]).toEqual([]);
    expect([...(await roles.rolesOf('U0PAGER'))]).toEqual(['oncall']);
    // U0VIEWDEV is in S0DEVS, which is also listed as viewers: read-only wins.
    expect([...(await roles.rolesOf('U0VIEWDEV'))]).toEqual(['viewer']);
  });

  it('asks Slack once per group within the cache time, again after it', async () => {
    let t = 0;
    const calls: string[] = [];
    const roles = createRoleResolver({ policy, directory: directory({ S0ONCALL: ['U0PAGER'] }, calls), log, ttlMs: 1000, now: () => t });
    await roles.rolesOf('U0PAGER');
    await roles.rolesOf('U0OTHER');
    expect(calls).toEqual(['S0ONCALL']);
    t = 1500;
    await roles.rolesOf('U0PAGER');
    expect(calls).toEqual(['S0ONCALL', 'S0ONCALL']);
  });

  it('fails closed when a group cannot be read', async () => {
    const roles = createRoleResolver({ policy, directory: directory({}), log });
    expect(await roles.isListed('U0PAGER', ['S0ONCALL'])).toBe(false);
    expect(await roles.expand(['U0ADMIN', 'S0ONCALL'])).toEqual(['U0ADMIN']);
  });

  it('names the groups it could not read, and asks Slack again next time', async () => {
    const calls: string[] = [];
    let failing = true;
    const roles = createRoleResolver({
      policy,
      directory: { membersOf: async (id) => (calls.push(id), failing ? Promise.reject(new Error('ratelimited')) : ['U0SEC']) },
      log,
    });
    expect(await roles.resolve(['U0ADMIN', 'S0SEC'])).toEqual({ users: ['U0ADMIN'], unreadable: ['S0SEC'] });
    failing = false;
    expect(await roles.resolve(['U0ADMIN', 'S0SEC'])).toEqual({ users: ['U0ADMIN', 'U0SEC'], unreadable: [] });
    expect(calls).toEqual(['S0SEC', 'S0SEC']);
  });

  it('expands users and groups without duplicates', async () => {
    const roles = createRoleResolver({ policy, directory: directory({ S0A: ['U1', 'U2'], S0B: ['U2', 'U3'] }), log });
    expect((await roles.expand(['U1', 'S0A', 'S0B'])).sort()).toEqual(['U1', 'U2', 'U3']);
  });
});
