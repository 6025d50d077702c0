/**
 * Loads the policy file: YAML, validated with zod. A bad file stops start-up naming the file, the
 * line, the path of the field at fault and why.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isNode, isScalar } from 'yaml';
import { policySchema, type Policy } from '../domain/policy';
import { ConfigError } from './env';

export const EXAMPLE_POLICY_FILE = path.resolve(__dirname, '..', '..', 'policy.example.yaml');

export interface PolicyProblem {
  file: string;
  /** Null when the YAML has no node to point at (an empty file). */
  line: number | null;
  /** Dotted path of the field at fault, `(top level)` for the document itself, null for YAML syntax. */
  field: string | null;
  message: string;
}

/** `file:line: field: why`, the form start-up and `keyops policy check` print. */
export function formatPolicyProblem(problem: PolicyProblem): string {
  const where = problem.line === null ? problem.file : `${problem.file}:${problem.line}`;
  return problem.field === null ? `${where}: ${problem.message}` : `${where}: ${problem.field}: ${problem.message}`;
}

export function checkPolicy(options: { text: string; file: string }): { ok: true; policy: Policy } | { ok: false; syntax: boolean; problems: PolicyProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(options.text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({ file: options.file, line: lineCounter.linePos(e.pos[0]).line, field: null, message: e.message.split('\n')[0] ?? 'invalid YAML' }));
    return { ok: false, syntax: true, problems };
  }
  const result = policySchema.safeParse(doc.toJS());
  if (result.success) return { ok: true, policy: result.data };
  const problems = result.error.issues.map((issue) => {
    const fieldPath = issue.path.map(String);
    // An unknown key is reported on its parent object: point at the key's own line instead.
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const line = (unknownKey === undefined ? null : keyLineOf({ doc, lineCounter, fieldPath, key: unknownKey })) ?? lineOf({ doc, lineCounter, fieldPath });
    return { file: options.file, line, field: fieldPath.join('.') || '(top level)', message: issue.message };
  });
  return { ok: false, syntax: false, problems };
}

export function parsePolicy(options: { text: string; file: string }): Policy {
  const checked = checkPolicy(options);
  if (checked.ok) return checked.policy;
  const lines = checked.problems.map((p) => `  ${formatPolicyProblem(p)}`);
  throw new ConfigError(`${checked.syntax ? 'policy file is not valid YAML' : 'policy file is invalid'}:\n${lines.join('\n')}`);
}

/** The line of the deepest node that exists on the path (a missing field points at its parent). */
function lineOf(options: { doc: ReturnType<typeof parseDocument>; lineCounter: LineCounter; fieldPath: string[] }): number | null {
  for (let depth = options.fieldPath.length; depth >= 0; depth--) {
    const keys = options.fieldPath.slice(0, depth).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const node = depth === 0 ? options.doc.contents : options.doc.getIn(keys, true);
    if (isNode(node) && node.range) return options.lineCounter.linePos(node.range[0]).line;
  }
  return null;
}

/** The line of the key `key` in the mapping at `fieldPath`, or null when there is no such key. */
function keyLineOf(options: { doc: ReturnType<typeof parseDocument>; lineCounter: LineCounter; fieldPath: string[]; key: string }): number | null {
  const keys = options.fieldPath.map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  const parent = keys.length === 0 ? options.doc.contents : options.doc.getIn(keys, true);
  if (!isMap(parent)) return null;
  const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === options.key);
  const keyNode = pair?.key;
  return isNode(keyNode) && keyNode.range ? options.lineCounter.linePos(keyNode.range[0]).line : null;
}

export function loadPolicy(file: string | undefined): { policy: Policy; file: string } {
  const resolved = path.resolve(file ?? findExamplePolicy());
  let text: string;
  try {
    text = readFileSync(resolved, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read policy file ${resolved}: ${(error as Error).message}`);
  }
  return { policy: parsePolicy({ text, file: resolved }), file: resolved };
}

/** Works from the sources (ts-jest, tsx) and from dist/ alike. */
function findExamplePolicy(): string {
  for (const candidate of [path.resolve(__dirname, '..', 'policy.example.yaml'), EXAMPLE_POLICY_FILE]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      // try the next location
    }
  }
  return EXAMPLE_POLICY_FILE;
}
