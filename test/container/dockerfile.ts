/**
 * The Dockerfile read as Docker reads it (logical lines, comments, build arguments, stages), so the
 * container build check (imageBuild.ts) runs the Dockerfile's own steps rather than a copy of them.
 * Only the instructions keyops's Dockerfile uses are understood; any other one is refused with its
 * line, so a new step can never be skipped without anyone noticing.
 */
export type Instruction =
  | { kind: 'RUN'; line: number; command: string }
  | { kind: 'COPY'; line: number; from?: string; sources: string[]; dest: string }
  | { kind: 'WORKDIR'; line: number; dir: string }
  | { kind: 'ENV'; line: number; vars: Record<string, string> }
  | { kind: 'ARG'; line: number; name: string; value?: string }
  | { kind: 'USER'; line: number; user: string }
  | { kind: 'EXPOSE'; line: number; ports: number[] }
  | { kind: 'CMD'; line: number; argv: string[] };

export interface Stage {
  /** The `AS` name, or the stage's index as Docker numbers unnamed stages. */
  name: string;
  /** The base image, build arguments substituted. */
  base: string;
  instructions: Instruction[];
}

export class DockerfileError extends Error {
  constructor(line: number, message: string) {
    super(`Dockerfile:${line}: ${message}`);
    this.name = 'DockerfileError';
  }
}

export function parseDockerfile(text: string): Stage[] {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const { line, keyword, rest } of logicalLines(text)) {
    if (keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!match) throw new DockerfileError(line, `FROM ${rest}: expected "FROM <image> [AS <name>]"`);
      stages.push({ name: match[2] ?? String(stages.length), base: substitute(match[1] as string, globalArgs), instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    const instruction = parseInstruction(line, keyword, rest);
    if (!stage) {
      if (instruction.kind !== 'ARG') throw new DockerfileError(line, `${keyword} before the first FROM`);
      if (instruction.value !== undefined) globalArgs[instruction.name] = instruction.value;
      continue;
    }
    stage.instructions.push(instruction);
  }
  if (stages.length === 0) throw new DockerfileError(1, 'no FROM');
  return stages;
}

/** `${NAME}` and `$NAME` as Docker expands them in FROM, COPY, WORKDIR and ENV (unset: empty). */
export function substitute(value: string, vars: Readonly<Record<string, string>>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced: string | undefined, bare: string | undefined) => vars[(braced ?? bare) as string] ?? '');
}

function parseInstruction(line: number, keyword: string, rest: string): Instruction {
  switch (keyword) {
    case 'RUN':
      if (rest.startsWith('[') || rest.startsWith('--')) throw new DockerfileError(line, 'only the shell form of RUN, without flags, is understood');
      return { kind: 'RUN', line, command: rest };
    case 'COPY': {
      const words = rest.split(/\s+/);
      let from: string | undefined;
      while (words[0]?.startsWith('--')) {
        const flag = words.shift() as string;
        const fromFlag = /^--from=(.+)$/.exec(flag);
        if (!fromFlag) throw new DockerfileError(line, `COPY ${flag}: only --from is understood`);
        from = fromFlag[1];
      }
      if (words.length < 2) throw new DockerfileError(line, 'COPY needs a source and a destination');
      return { kind: 'COPY', line, ...(from !== undefined && { from }), sources: words.slice(0, -1), dest: words[words.length - 1] as string };
    }
    case 'WORKDIR':
      return { kind: 'WORKDIR', line, dir: rest };
    case 'ENV': {
      const vars: Record<string, string> = {};
      for (const pair of rest.split(/\s+/)) {
        const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(pair);
        if (!match) throw new DockerfileError(line, `ENV ${pair}: only NAME=value pairs are understood`);
        vars[match[1] as string] = unquote(match[2] as string);
      }
      return { kind: 'ENV', line, vars };
    }
    case 'ARG': {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(rest);
      if (!match) throw new DockerfileError(line, `ARG ${rest}: expected NAME[=default]`);
      return { kind: 'ARG', line, name: match[1] as string, ...(match[2] !== undefined && { value: unquote(match[2]) }) };
    }
    case 'USER':
      return { kind: 'USER', line, user: rest };
    case 'EXPOSE':
      return { kind: 'EXPOSE', line, ports: rest.split(/\s+/).map((p) => Number(p.replace(/\/tcp$/, ''))) };
    case 'CMD': {
      let argv: unknown;
      try {
        argv = JSON.parse(rest);
      } catch {
        throw new DockerfileError(line, 'only the exec form of CMD (a JSON array) is understood');
      }
      if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) throw new DockerfileError(line, 'CMD must be a JSON array of strings');
      return { kind: 'CMD', line, argv };
    }
    default:
      throw new DockerfileError(line, `${keyword} is not understood by the container build check (test/container/dockerfile.ts): teach it, or the check would skip the step`);
  }
}

function unquote(value: string): string {
  return /^"(.*)"$/.test(value) ? value.slice(1, -1) : value;
}

/** Continuation lines joined, comment lines dropped (even inside a continuation, as Docker does). */
function* logicalLines(text: string): Generator<{ line: number; keyword: string; rest: string }> {
  let pending: { line: number; parts: string[] } | null = null;
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && pending === null)) continue;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending ??= { line: index + 1, parts: [] };
    if (part !== '') pending.parts.push(part);
    if (continued && index < lines.length - 1) continue;
    const joined = pending.parts.join(' ');
    const keyword = joined.split(/\s+/)[0] ?? '';
    yield { line: pending.line, keyword: keyword.toUpperCase(), rest: joined.slice(keyword.length).trim() };
    pending = null;
  }
}
