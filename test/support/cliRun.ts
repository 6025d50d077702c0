/** Runs `npx keyops …` in-process with captured output, as a person would see it. */
import { runCli } from '../../cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runKeyopsCli(argv: string[], env: NodeJS.ProcessEnv = {}, options: { onWrite?: (text: string) => void } = {}): Promise<CliRun> {
  let stdout = '';
  const err: string[] = [];
  const write = (text: string): void => {
    if (options.onWrite) options.onWrite(text);
    else stdout += text;
  };
  const io = { out: (l: string) => write(l + '\n'), write: async (t: string) => write(t), err: (l: string) => err.push(l), env, interactive: false };
  const code = await runCli({ argv, io });
  return { code, stdout: stdout.replace(/\n$/, ''), stderr: err.join('\n') };
}
