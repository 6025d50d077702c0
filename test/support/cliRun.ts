/** Runs `npx keyops …` in-process with captured output, as a person would see it. */
import { runCli } from '../../cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runKeyopsCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli({ argv, io: { out: (l) => out.push(l), err: (l) => err.push(l), env, interactive: false } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
