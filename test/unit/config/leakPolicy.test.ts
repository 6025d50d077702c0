import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePolicy } from '../../../config/policyFile';

const example = readFileSync(path.resolve(__dirname, '..', '..', '..', 'policy.example.yaml'), 'utf8');
const withoutLeaks = example.slice(0, example.indexOf('\nleaks:'));

describe('policy: leaks', () => {
  it('revokes on every leak by default, with no leak channel', () => {
    expect(parsePolicy({ text: withoutLeaks, file: 'p.yaml' }).leaks).toEqual({ onSlackPaste: 'revoke', onPublicLeak: 'revoke', channel: null });
    expect(parsePolicy({ text: example, file: 'p.yaml' }).leaks).toEqual({ onSlackPaste: 'revoke', onPublicLeak: 'revoke', channel: null });
  });

  it('takes notify and a channel, and names a bad value with its line', () => {
    const text = `${withoutLeaks}\nleaks:\n  onSlackPaste: notify\n  channel: C0ONCALL\n`;
    expect(parsePolicy({ text, file: 'p.yaml' }).leaks).toEqual({ onSlackPaste: 'notify', onPublicLeak: 'revoke', channel: 'C0ONCALL' });
    const bad = `${withoutLeaks}\nleaks:\n  onPublicLeak: ignore\n`;
    const line = bad.split('\n').findIndex((l) => l.includes('ignore')) + 1;
    expect(() => parsePolicy({ text: bad, file: 'p.yaml' })).toThrow(new RegExp(`p.yaml:${line}: leaks.onPublicLeak`));
  });
});
