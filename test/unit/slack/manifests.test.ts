/** The two manifests ask Slack for the same app: they differ only in how requests reach keyops. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const load = (name: string): Record<string, unknown> => parse(readFileSync(path.resolve(__dirname, '../../../slack', name), 'utf8')) as Record<string, unknown>;

it('the Socket Mode manifest is the HTTP one with the socket on and no request URLs', () => {
  const http = load('manifest.yaml');
  const socket = load('manifest.socket-mode.yaml');
  expect(JSON.stringify(socket)).not.toContain('https://');
  const withoutUrls = JSON.parse(JSON.stringify(http, (key, value: unknown) => (key === 'url' || key === 'request_url' ? undefined : value))) as { settings: Record<string, unknown> };
  withoutUrls.settings.socket_mode_enabled = true;
  expect(socket).toEqual(withoutUrls);
});
