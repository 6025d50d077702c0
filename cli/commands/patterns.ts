/**
 * `keyops patterns`: the key's detection pattern for this deployment's prefix and environment tags,
 * for the secret scanners teams already run (gitleaks, GitHub custom patterns, secretlint,
 * detect-secrets). Printed, or written as files with --out.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPolicy } from '../../config/policyFile';
import { CliError, type CliCommand } from '../command';
import { FORMATS, scannerFiles, type ScannerFormat } from '../patterns/scannerFiles';

export const patternsCommand: CliCommand = {
  words: ['patterns'],
  summary: 'print the key pattern for gitleaks, GitHub, secretlint and detect-secrets',
  description: [
    'The pattern follows the policy (POLICY_FILE, or --policy): its keyPrefix and environment tags.',
    'secretlint and detect-secrets get code that checks the key\'s checksum too; gitleaks and GitHub',
    'get the regex alone (a mistyped key matches it as well).',
    'Examples: npx keyops patterns --format gitleaks >> .gitleaks.toml',
    '          npx keyops patterns --out scanners/',
  ].join('\n'),
  options: {
    format: { type: 'string', placeholder: FORMATS.join('|'), description: 'only this scanner (default: all)' },
    out: { type: 'string', placeholder: 'dir', description: 'write the files into this folder instead of printing them' },
    policy: { type: 'string', placeholder: 'file', description: 'the policy file (default: POLICY_FILE, else the example policy)' },
  },
  async run({ args, options, io }) {
    if (args.length > 0) throw new CliError('patterns takes no arguments', { hint: 'usage: npx keyops patterns [--format <scanner>] [--out <dir>]', exitCode: 2 });
    const format = options.format as string | undefined;
    if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
      throw new CliError(`unknown format "${format}"`, { hint: `formats: ${FORMATS.join(', ')}`, exitCode: 2 });
    }
    const { policy } = loadPolicy((options.policy as string | undefined) ?? io.env.POLICY_FILE);
    const out = options.out as string | undefined;
    const files = scannerFiles(policy, out ?? '.').filter((f) => format === undefined || f.format === (format as ScannerFormat));
    if (out) {
      mkdirSync(out, { recursive: true });
      for (const file of files) {
        writeFileSync(path.join(out, file.name), file.text);
        io.err(`wrote ${path.join(out, file.name)}`);
      }
      return 0;
    }
    for (const [i, file] of files.entries()) {
      if (files.length > 1) io.out(`${i > 0 ? '\n' : ''}==> ${file.name} (${file.format}) <==`);
      await io.write(file.text);
    }
    return 0;
  },
};
