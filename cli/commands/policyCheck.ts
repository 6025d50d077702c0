/** `keyops policy check <file>`: the validation start-up runs, without starting anything. */
import { readFileSync } from 'node:fs';
import { checkPolicy, formatPolicyProblem } from '../../config/policyFile';
import { CliError, JSON_OPTION, type CliCommand } from '../command';

export const policyCheckCommand: CliCommand = {
  words: ['policy', 'check'],
  args: '<file>',
  summary: 'validate a policy file as start-up does (file:line: field: why)',
  description: 'Exit code 0 when the file is valid, 1 when it is not (one line per problem).',
  options: JSON_OPTION,
  async run({ args, options, io }) {
    const [file, ...extra] = args;
    if (!file || extra.length > 0) throw new CliError('policy check takes one file', { hint: 'usage: npx keyops policy check <file>', exitCode: 2 });
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const checked = checkPolicy({ text, file });
    if (options.json) {
      io.out(JSON.stringify(checked.ok ? { ok: true, file } : { ok: false, file, problems: checked.problems }));
      return checked.ok ? 0 : 1;
    }
    if (checked.ok) {
      const { policy } = checked;
      io.out(`${file}: ok (${policy.scopes.length} scopes, ${policy.environments.length} environments)`);
      return 0;
    }
    for (const problem of checked.problems) io.out(formatPolicyProblem(problem));
    return 1;
  },
};
