/**
 * `keyops policy init`: a starting policy for a real workspace, so nobody hunts for member ids
 * before the first `/apikey help`. It asks Slack (with the bot token) for the workspace's admins
 * and makes them every role of the shipped example, and lists the user groups that could take
 * over each role. The result is checked as start-up would check it before it is written.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import { checkPolicy, loadPolicy } from '../../config/policyFile';
import { CliError, type CliCommand } from '../command';

interface Member { id: string; name: string }

/** The shipped example's placeholder lists, each replaced by the admins. */
const ROLE_LINES = [/^(\s+admins:\s*)\[[^\]]*\]/m, /^(\s+oncall:\s*)\[[^\]]*\]/m, /^(\s+approvers:\s*)\[[^\]]*\]/m, /^(\s+sensitiveApprovers:\s*)\[[^\]]*\]/m, /^(\s+escalateTo:\s*)\[[^\]]*\]/m];

async function workspaceAdmins(client: WebClient): Promise<Member[]> {
  const admins: Member[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.users.list({ limit: 200, ...(cursor ? { cursor } : {}) });
    for (const m of page.members ?? []) {
      if (m.id && !m.deleted && !m.is_bot && m.id !== 'USLACKBOT' && (m.is_admin || m.is_owner)) admins.push({ id: m.id, name: m.real_name || m.name || m.id });
    }
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return admins;
}

export function buildStartingPolicy(options: { example: string; admins: Member[]; groups: Array<{ id: string; handle: string }> }): string {
  const ids = options.admins.map((a) => a.id).join(', ');
  let text = options.example;
  for (const line of ROLE_LINES) text = text.replace(line, `$1[${ids}]`);
  const header = [
    '# Written by `npx keyops policy init`: every role below starts as the workspace admins',
    `#   ${options.admins.map((a) => `${a.name} (${a.id})`).join(', ')}`,
    ...(options.groups.length > 0 ? ['# User groups that could take a role over (a group counts as all its members):', ...options.groups.map((g) => `#   @${g.handle}: ${g.id}`)] : []),
    '',
  ];
  return header.join('\n') + text;
}

export const policyInitCommand: CliCommand = {
  words: ['policy', 'init'],
  summary: 'write a starting policy whose roles are the workspace admins (asks Slack)',
  description: 'Needs SLACK_BOT_TOKEN (users:read, usergroups:read). Then: POLICY_FILE=<file> npm start.',
  options: {
    out: { type: 'string', placeholder: 'file', description: 'where to write it (default policy.yaml)' },
    force: { type: 'boolean', description: 'replace the file if it exists' },
  },
  async run({ options, io }) {
    const token = io.env.SLACK_BOT_TOKEN;
    if (!token) throw new CliError('policy init asks Slack who the admins are, and needs SLACK_BOT_TOKEN', { hint: 'install the app (README: Connect a Slack workspace), then SLACK_BOT_TOKEN=xoxb-… npx keyops policy init', exitCode: 2 });
    const out = typeof options.out === 'string' ? options.out : 'policy.yaml';
    if (existsSync(out) && options.force !== true) throw new CliError(`${out} exists; keyops leaves it alone`, { hint: 'choose another --out, or --force to replace it' });
    const client = new WebClient(token, { ...(io.env.SLACK_API_URL ? { slackApiUrl: io.env.SLACK_API_URL } : {}), retryConfig: { retries: 1 } });
    const admins = await workspaceAdmins(client);
    if (admins.length === 0) throw new CliError('Slack lists no workspace admins to start the policy with', { hint: 'copy policy.example.yaml and put member ids in it (profile → ⋮ → Copy member ID)' });
    const groups = ((await client.usergroups.list({})).usergroups ?? []).flatMap((g) => (g.id && g.handle ? [{ id: g.id, handle: g.handle }] : []));
    const text = buildStartingPolicy({ example: readFileSync(loadPolicy(undefined).file, 'utf8'), admins, groups });
    const checked = checkPolicy({ text, file: out });
    if (!checked.ok) throw new CliError(`the starting policy does not pass its own check: ${JSON.stringify(checked.problems[0])}`);
    writeFileSync(out, text);
    io.out(`wrote ${out}: admins, on-call and approvers are the workspace's ${admins.length} admin${admins.length === 1 ? '' : 's'} (${admins.map((a) => a.name).join(', ')})`);
    io.out(`start keyops with it: POLICY_FILE=${out} npm start`);
    return 0;
  },
};
