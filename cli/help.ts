/** The text of `keyops --help` and `keyops <command> --help`. */
import type { CliCommand } from './command';

export function formatOverview(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => usageOf(c).length));
  const lines = commands.map((c) => `  ${usageOf(c).padEnd(width)}  ${c.summary}`);
  return ['Usage: npx keyops <command> [options]', '', 'Commands:', ...lines, '', 'Run `npx keyops <command> --help` for a command\'s options.'].join('\n');
}

export function formatCommandHelp(command: CliCommand): string {
  const options = Object.entries(command.options ?? {}).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` <${o.placeholder ?? 'value'}>` : ''}`;
    return [flag, o.description] as const;
  });
  options.push(['-h, --help', 'show this help']);
  const width = Math.max(...options.map(([flag]) => flag.length));
  return [
    `Usage: npx keyops ${usageOf(command)}${options.length > 1 ? ' [options]' : ''}`,
    '',
    command.summary,
    ...(command.description ? ['', command.description] : []),
    '',
    'Options:',
    ...options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ].join('\n');
}

function usageOf(command: CliCommand): string {
  return [...command.words, ...(command.args ? [command.args] : [])].join(' ');
}
