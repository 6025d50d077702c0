/**
 * `npx keyops <command>`: finds the command by its words, parses its options, runs it and turns
 * expected failures into one friendly line instead of a stack trace.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/env';
import { CliError, type CliCommand, type CliIo } from './command';
import { COMMANDS } from './commands';
import { formatCommandHelp, formatOverview } from './help';

export async function runCli(options: { argv: string[]; io: CliIo; commands?: CliCommand[] }): Promise<number> {
  const { io } = options;
  const commands = options.commands ?? COMMANDS;
  const words = leadingWords(options.argv);
  const command = findCommand(commands, words);
  const wantsHelp = options.argv.some((a) => a === '--help' || a === '-h');
  if (!command) {
    const group = commands.filter((c) => words.length > 0 && startsWith(c.words, words));
    if (words.length > 0 && !(words.length === 1 && words[0] === 'help') && group.length === 0) {
      io.err(`keyops: unknown command "${words.join(' ')}"`);
      io.err(formatOverview(commands));
      return 2;
    }
    io.out(formatOverview(group.length > 0 ? group : commands));
    return wantsHelp || words[0] === 'help' || words.length === 0 ? 0 : 2;
  }
  if (wantsHelp) {
    io.out(formatCommandHelp(command));
    return 0;
  }
  try {
    const rest = options.argv.slice(command.words.length);
    const parsed = parseCommandArgs(command, rest);
    return await command.run({ ...parsed, io });
  } catch (error) {
    return reportError({ error, command, io });
  }
}

function parseCommandArgs(command: CliCommand, argv: string[]): { args: string[]; options: Record<string, string | boolean | string[] | undefined> } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: command.options ?? {}, allowPositionals: true, strict: true });
    return { args: positionals, options: values as Record<string, string | boolean | string[] | undefined> };
  } catch (error) {
    throw new CliError((error as Error).message.split('\n')[0] ?? 'invalid arguments', { hint: `see: keyops ${command.words.join(' ')} --help`, exitCode: 2 });
  }
}

function reportError(options: { error: unknown; command: CliCommand; io: CliIo }): number {
  const { error, io } = options;
  if (error instanceof CliError) {
    io.err(`keyops: ${error.message}`);
    if (error.options.hint) io.err(`  ${error.options.hint}`);
    return error.options.exitCode ?? 1;
  }
  if (error instanceof ConfigError) {
    io.err(`keyops: ${error.message}`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`keyops: ${options.command.words.join(' ')} failed: ${message}`);
  if (io.env.KEYOPS_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
  else io.err('  (set KEYOPS_DEBUG=1 for the stack trace)');
  return 1;
}

/** The words before the first option: `policy check a.yaml --json` gives policy, check, a.yaml. */
function leadingWords(argv: string[]): string[] {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  return words;
}

function findCommand(commands: CliCommand[], words: string[]): CliCommand | undefined {
  return commands.filter((c) => startsWith(words, c.words)).sort((a, b) => b.words.length - a.words.length)[0];
}

function startsWith(list: string[], prefix: string[]): boolean {
  return prefix.length <= list.length && prefix.every((word, i) => list[i] === word);
}
