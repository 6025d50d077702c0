import { loadPolicy } from '../../../config/policyFile';
import { NewKeyBlocks } from '../../../bot/ids';
import { parseNewKeyForm, parseNewKeyMetadata } from '../../../bot/forms/newKeyForm';
import { lifetimeBlockId } from '../../../bot/views/newKeyModal';

const { policy } = loadPolicy(undefined);
const metadata = { channelId: 'C0GENERAL', environment: 'test' };

/** Slack's view.state.values for the given fields. */
function state(fields: { name?: string; environment?: string; scopes?: string[]; lifetime?: string; reason?: string }) {
  const env = fields.environment ?? 'test';
  return {
    [NewKeyBlocks.name]: { [NewKeyBlocks.name]: { type: 'plain_text_input', value: fields.name ?? 'Payments' } },
    [NewKeyBlocks.environment]: { [NewKeyBlocks.environment]: { type: 'static_select', selected_option: { value: env } } },
    [NewKeyBlocks.scopes]: { [NewKeyBlocks.scopes]: { type: 'multi_static_select', selected_options: (fields.scopes ?? ['read']).map((value) => ({ value })) } },
    [lifetimeBlockId(env)]: { [NewKeyBlocks.lifetime]: { type: 'static_select', selected_option: fields.lifetime === undefined ? { value: '30d' } : { value: fields.lifetime } } },
    [NewKeyBlocks.reason]: { [NewKeyBlocks.reason]: { type: 'plain_text_input', value: fields.reason ?? null } },
  };
}

describe('parseNewKeyForm', () => {
  it('accepts a valid self-service request, trimming the name and normalising the lifetime', () => {
    expect(parseNewKeyForm({ policy, metadata, stateValues: state({ name: '  Payments  ', scopes: ['read', 'write', 'read'] }) })).toEqual({
      ok: true,
      form: { name: 'Payments', environment: 'test', scopes: ['read', 'write'], lifetimeSeconds: 30 * 86400, reason: null, channelId: 'C0GENERAL', needsApproval: false },
    });
  });

  it('reports each bad field under its own block', () => {
    const result = parseNewKeyForm({ policy, metadata, stateValues: state({ name: 'x'.repeat(65), scopes: ['read', 'admin:all'] }) });
    expect(result).toEqual({ ok: false, errors: { [NewKeyBlocks.name]: 'Names are at most 64 characters (this one has 65).', [NewKeyBlocks.scopes]: 'Unknown scope: admin:all.' } });
  });

  it('refuses a lifetime over the environment\'s maximum, and one it does not offer', () => {
    expect(parseNewKeyForm({ policy, metadata, stateValues: state({ lifetime: '365d' }) })).toEqual({ ok: false, errors: { [lifetimeBlockId('test')]: 'test keys live at most 90d.' } });
    expect(parseNewKeyForm({ policy, metadata, stateValues: state({ lifetime: '8d' }) })).toEqual({ ok: false, errors: { [lifetimeBlockId('test')]: 'Pick one of the lifetimes test allows.' } });
  });

  it('requires a reason when the request will need approval: production, or a sensitive scope', () => {
    const production = parseNewKeyForm({ policy, metadata, stateValues: state({ environment: 'production', lifetime: '90d' }) });
    expect(production.ok).toBe(false);
    expect(!production.ok && production.errors[NewKeyBlocks.reason]).toMatch(/needs approval/);
    const sensitive = parseNewKeyForm({ policy, metadata, stateValues: state({ scopes: ['billing:read'], reason: 'Invoices export' }) });
    expect(sensitive).toMatchObject({ ok: true, form: { needsApproval: true, reason: 'Invoices export' } });
  });

  it('refuses an environment the policy does not have and a form Slack would never send', () => {
    expect(parseNewKeyForm({ policy, metadata, stateValues: state({ environment: 'moon' }) })).toMatchObject({ ok: false, errors: { [NewKeyBlocks.environment]: '"moon" is not an environment in the policy.' } });
    expect(parseNewKeyForm({ policy, metadata, stateValues: 'nonsense' })).toMatchObject({ ok: false });
  });

  it('reads only well-formed private metadata', () => {
    expect(parseNewKeyMetadata('{"channelId":"C1","environment":"test"}')).toEqual({ channelId: 'C1', environment: 'test' });
    expect(parseNewKeyMetadata('{"channelId":""}')).toBeNull();
    expect(parseNewKeyMetadata('not json')).toBeNull();
  });
});
