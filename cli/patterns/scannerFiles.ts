/** Every scanner's files for one deployment, by format: what `keyops patterns` prints or writes. */
import path from 'node:path';
import type { Policy } from '../../domain/policy';
import { DETECT_SECRETS_PLUGIN_FILE, SECRETLINT_RULE_FILE, detectSecretsPlugin, secretlintConfig, secretlintRule } from './checkingScanners';
import { keyPatternFor } from './keyPattern';
import { githubCustomPattern, gitleaksRule } from './regexFormats';

export const FORMATS = ['gitleaks', 'github', 'secretlint', 'detect-secrets'] as const;
export type ScannerFormat = (typeof FORMATS)[number];

export interface ScannerFile {
  format: ScannerFormat;
  name: string;
  text: string;
}

/** `dir`: where the files will be saved (the secretlint config names its rule by absolute path). */
export function scannerFiles(policy: Pick<Policy, 'keyPrefix' | 'environments'>, dir: string): ScannerFile[] {
  const pattern = keyPatternFor(policy);
  return [
    { format: 'gitleaks', name: 'gitleaks-keyops.toml', text: gitleaksRule(pattern) },
    { format: 'github', name: 'github-custom-pattern.txt', text: githubCustomPattern(pattern) },
    { format: 'secretlint', name: '.secretlintrc.json', text: secretlintConfig(path.resolve(dir, SECRETLINT_RULE_FILE)) },
    { format: 'secretlint', name: SECRETLINT_RULE_FILE, text: secretlintRule(pattern) },
    { format: 'detect-secrets', name: DETECT_SECRETS_PLUGIN_FILE, text: detectSecretsPlugin(pattern) },
  ];
}
