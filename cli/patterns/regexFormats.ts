/** gitleaks (a TOML rule) and GitHub secret scanning custom patterns: regex-only scanners. */
import type { KeyPattern } from './keyPattern';

export function gitleaksRule(pattern: KeyPattern): string {
  return [
    '# gitleaks: add to .gitleaks.toml (with [extend] useDefault = true to keep the default rules).',
    '# A regex cannot check the CRC32 checksum: a mistyped key is reported too.',
    '[[rules]]',
    `id = "keyops-api-key"`,
    `description = "keyops API key (${pattern.prefix}_<env>_…)"`,
    `regex = '''${pattern.full}'''`,
    'secretGroup = 1',
    `keywords = ["${pattern.prefix}_"]`,
    '',
  ].join('\n');
}

export function githubCustomPattern(pattern: KeyPattern): string {
  return [
    '# GitHub secret scanning: Settings → Code security → Custom patterns → New pattern (More options).',
    'Pattern name:     keyops API key',
    `Secret format:    ${pattern.secret}`,
    'Before secret:    \\A|[^0-9A-Za-z_]',
    'After secret:     \\z|[^0-9A-Za-z_]',
    `Test string:      ${pattern.prefix}_${pattern.tags[0] ?? 'test'}_${'0'.repeat(26)}_${'0'.repeat(6)}`,
    '',
  ].join('\n');
}
