/**
 * POST /v1/leaks/github: GitHub secret scanning's partner alerts. GitHub found strings matching
 * keyops's pattern in a public place and asks whether they are real; keyops answers with GitHub's
 * feedback array and, for the live ones, does what `leaks.onPublicLeak` says, down the same path
 * as a Slack paste (leaks/handleLeak.ts).
 *
 * Nothing happens before the signature is checked: no body parse, no lookup. GitHub retries an
 * alert it got no answer to; the leak id (key and URL) makes a retry revoke nothing and tell
 * nobody again.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { parseKey } from '../domain/keyFormat';
import type { LeakAction } from '../domain/leak';
import { handleLeakedKeys, type LeakDeps } from '../leaks/handleLeak';
import type { GithubSigningKeys } from './githubSigningKeys';
import { readBody, sendJson } from './http';

/** GitHub batches matches; a thousand is far more than one push holds. */
const MAX_ALERTS = 1000;
export const MAX_ALERT_BODY_BYTES = 1024 * 1024;

const alertSchema = z
  .array(z.object({ token: z.string().max(512), type: z.string().max(200), url: z.string().max(2048), source: z.string().max(100).default('unknown') }))
  .min(1)
  .max(MAX_ALERTS);

export interface GithubLeakDeps extends LeakDeps {
  signingKeys: GithubSigningKeys;
  keyPrefix: string;
  onPublicLeak: LeakAction;
}

type Label = 'true_positive' | 'false_positive';

export async function answerGithubAlert(options: { deps: GithubLeakDeps; req: IncomingMessage; res: ServerResponse }): Promise<void> {
  const { deps, req, res } = options;
  const body = await readBody(req, MAX_ALERT_BODY_BYTES);
  if (body === null) return sendJson(res, 413, { error: 'payload_too_large' });
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const signed = await deps.signingKeys.verifyAlert({ identifier: header('github-public-key-identifier'), signature: header('github-public-key-signature'), body: Buffer.from(body, 'utf8') });
  if (!signed) {
    deps.log.warn('GitHub alert refused: missing or bad signature');
    return sendJson(res, 401, { error: 'unauthorized', message: 'not signed by a GitHub secret scanning key' });
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return sendJson(res, 400, { error: 'bad_json' });
  }
  const alerts = alertSchema.safeParse(json);
  if (!alerts.success) return sendJson(res, 400, { error: 'bad_request', message: 'expected a JSON array of {token, type, url, source}' });

  // A wrong shape, prefix or checksum was never a keyops key: not looked up. The rest in one lookup.
  const ours = alerts.data.filter((alert) => {
    const parsed = parseKey(alert.token);
    return parsed.ok && parsed.key.prefix === deps.keyPrefix;
  });
  const outcomes = await handleLeakedKeys(deps, {
    keys: ours.map((alert) => alert.token),
    action: deps.onPublicLeak,
    describePlace: async (index) => ({ kind: 'github', url: ours[index]?.url ?? '', source: ours[index]?.source ?? 'unknown' }),
  });
  const issued = new Set(ours.filter((_, i) => outcomes[i] !== 'unknown'));
  const feedback = alerts.data.map((alert) => ({ token_raw: alert.token, token_type: alert.type, label: (issued.has(alert) ? 'true_positive' : 'false_positive') as Label }));
  const counts = feedback.reduce<Record<Label, number>>((acc, f) => ({ ...acc, [f.label]: acc[f.label] + 1 }), { true_positive: 0, false_positive: 0 });
  deps.log.info('GitHub secret scanning alert answered', counts);
  sendJson(res, 200, feedback);
}
