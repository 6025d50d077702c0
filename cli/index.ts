/** Entry of `npx keyops` (through bin/keyops-cli.js): the process around runCli. */
import { loadDotEnv } from '../config/dotenv';
import { runCli } from './main';

loadDotEnv();

runCli({
  argv: process.argv.slice(2),
  io: {
    out: (line) => process.stdout.write(line + '\n'),
    write: (text) => new Promise<void>((resolve) => (process.stdout.write(text) ? resolve() : process.stdout.once('drain', () => resolve()))),
    err: (line) => process.stderr.write(line + '\n'),
    env: process.env,
    interactive: Boolean(process.stdout.isTTY),
  },
}).then(
  // Exit once stdout has drained: a client library's idle handle must not keep a finished command alive.
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    process.stderr.write(`keyops: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
