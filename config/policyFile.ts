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

export function parsePolicy(options: { text: string; file: string }): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(options.text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => `  ${options.file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
    throw new ConfigError(`policy file is not valid YAML:\n${lines.join('\n')}`);
  }
  const result = policySchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const fieldPath = issue.path.map(String);
    // An unknown key is reported on its parent object: point at the key's own line instead.
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const line = (unknownKey === undefined ? null : keyLineOf({ doc, lineCounter, fieldPath, key: unknownKey })) ?? lineOf({ doc, lineCounter, fieldPath });
    const where = line === null ? options.file : `${options.file}:${line}`;
    return `  ${where}: ${fieldPath.join('.') || '(top level)'}: ${issue.message}`;
  });
  throw new ConfigError(`policy file is invalid:\n${lines.join('\n')}`);
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
