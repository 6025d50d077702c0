/** The direct message an owner gets when a key has used 80% or all of its monthly quota. */
import type { Message } from './revealMessages';
import { escapeMrkdwn, slackDate } from './format';

export function buildQuotaNotice(input: { name: string; maskedKey: string | null; environment: string; threshold: number; used: number; quota: number; resetsAt: Date }): Message {
  const key = `*${escapeMrkdwn(input.name)}* (\`${input.maskedKey ?? 'not revealed'}\`, ${input.environment})`;
  const count = `${input.used.toLocaleString('en-US')} of ${input.quota.toLocaleString('en-US')} requests this month`;
  const text =
    input.threshold >= 100
      ? `:no_entry: Your key ${key} has used its whole monthly quota (${count}). Verification now answers RATE_LIMITED for it until ${slackDate(input.resetsAt)}.`
      : `:warning: Your key ${key} has used ${input.threshold}% of its monthly quota (${count}). At 100% verification answers RATE_LIMITED until ${slackDate(input.resetsAt)}.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
