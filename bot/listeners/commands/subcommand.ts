import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { BotDeps } from '../../deps';

/** One `/apikey <name> …` subcommand. `run` must ack first: Slack gives the command 3 seconds. */
export interface Subcommand {
  name: string;
  run(options: { args: string[]; command: CommandArgs; deps: BotDeps }): Promise<void>;
}

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
