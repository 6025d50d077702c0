/** Answers to a click that a workflow sends later: through its response_url, sealed for the trip and bound to the clicker. */
import { sealUrl } from '../../domain/sealedUrl';
import type { ReplyTo } from '../../workflows/replyTo';

export function replyToClick(options: { responseUrl: string | null | undefined; replaceOriginal: boolean; secret: string; clickerId: string }): ReplyTo {
  return options.responseUrl ? { responseUrl: sealUrl(options.responseUrl, options.secret, { purpose: 'reply', clickerId: options.clickerId }), replaceOriginal: options.replaceOriginal } : null;
}
