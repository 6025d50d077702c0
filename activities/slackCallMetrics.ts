/**
 * Counts every Slack Web API call by method and outcome, and the 429s. Every method of a WebClient
 * is `apiCall` bound when the client is constructed, so the count wraps `WebClient.prototype.apiCall`
 * once for the process (this module's first import): clients made later, Bolt's per-workspace ones
 * included, are counted without being found. 429s are events of each client: `countSlackCalls`
 * subscribes a client (idempotent), bot/app.ts each Bolt client as it first passes.
 */
import { WebClient, WebClientEvent } from '@slack/web-api';
import { slackApiCalls, slackRateLimited } from '../runtime/metrics';

const original = WebClient.prototype.apiCall;
WebClient.prototype.apiCall = async function countedApiCall(this: WebClient, method, options) {
  try {
    const result = await original.call(this, method, options);
    slackApiCalls.inc({ method, outcome: 'ok' });
    return result;
  } catch (error) {
    const data = (error as { data?: { error?: unknown } }).data;
    // Slack's error codes are a short fixed vocabulary: bounded labels.
    const outcome = typeof data?.error === 'string' ? data.error : (error as { code?: unknown }).code === 'slack_webapi_rate_limited_error' ? 'ratelimited' : 'request_failed';
    slackApiCalls.inc({ method, outcome });
    throw error;
  }
};

const subscribed = new WeakSet<WebClient>();

export function countSlackCalls<T extends WebClient>(client: T): T {
  if (subscribed.has(client)) return client;
  subscribed.add(client);
  client.on(WebClientEvent.RATE_LIMITED, (_retryAfter: number, request: { url?: string }) => {
    slackRateLimited.inc({ method: request?.url?.replace(/^.*\//, '') || 'unknown' });
  });
  return client;
}
