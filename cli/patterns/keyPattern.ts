/**
 * The key's detection pattern for a deployment, in the dialect every scanner shares: no
 * look-around (gitleaks and GitHub use RE2, which has none), so the "stands alone" boundary is a
 * non-capturing group on each side and the key itself is capture group 1.
 *
 * A regex cannot check a CRC32: gitleaks and GitHub custom patterns also report a key whose last
 * characters were mistyped (GitHub's partner program then asks keyops, which answers
 * false_positive). The secretlint rule and the detect-secrets plugin check the checksum themselves.
 */
import { CHECKSUM_LENGTH, RANDOM_LENGTH } from '../../domain/keyFormat';
import type { Policy } from '../../domain/policy';

export interface KeyPattern {
  prefix: string;
  tags: string[];
  /** The key alone: `ko_(?:test|stg|live)_[0-9A-Za-z]{26}_[0-9A-Za-z]{6}`. */
  secret: string;
  before: string;
  after: string;
  /** Boundary, key as group 1, boundary. */
  full: string;
}

export function keyPatternFor(policy: Pick<Policy, 'keyPrefix' | 'environments'>): KeyPattern {
  const tags = policy.environments.map((e) => e.tag);
  const secret = `${policy.keyPrefix}_(?:${tags.join('|')})_[0-9A-Za-z]{${RANDOM_LENGTH}}_[0-9A-Za-z]{${CHECKSUM_LENGTH}}`;
  const before = '(?:^|[^0-9A-Za-z_])';
  const after = '(?:[^0-9A-Za-z_]|$)';
  return { prefix: policy.keyPrefix, tags, secret, before, after, full: `${before}(${secret})${after}` };
}
