/**
 * What an admin CLI command is. Each command lives in its own module under cli/commands/ and is
 * listed once in cli/commands/index.ts; the dispatcher (cli/main.ts) finds it by its words, parses
 * its options with node:util's parseArgs and prints its --help from these fields.
 */
export interface CliOption {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in --help as `--name <placeholder>`. */
  placeholder?: string;
  short?: string;
  multiple?: boolean;
}

export interface CliIo {
  /** One line of the command's result, on stdout (what a script reads). */
  out(line: string): void;
  /** Raw stdout for streams (an export): resolves once the text may be followed (back-pressure). */
  write(text: string): Promise<void>;
  /** Progress, warnings and errors, on stderr. */
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  /** Whether a person is reading (stdout is a terminal). */
  interactive: boolean;
}

export interface CliInput {
  /** Words after the command's own words, e.g. the file of `policy check <file>`. */
  args: string[];
  options: Record<string, string | boolean | string[] | undefined>;
  io: CliIo;
}

export interface CliCommand {
  /** The words that name it: ['policy', 'check']. */
  words: string[];
  summary: string;
  /** Positional arguments as shown in usage, e.g. '<file>'. */
  args?: string;
  /** Longer help: what it checks or changes, examples. */
  description?: string;
  options?: Record<string, CliOption>;
  /** Exit code: 0 success, 1 the thing checked or asked for failed. */
  run(input: CliInput): Promise<number>;
}

/** An expected failure: printed as `keyops: <message>` (and a hint), exit code 2 for misuse. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly options: { hint?: string; exitCode?: number } = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const JSON_OPTION: Record<string, CliOption> = {
  json: { type: 'boolean', description: 'print machine-readable JSON instead of text' },
};
