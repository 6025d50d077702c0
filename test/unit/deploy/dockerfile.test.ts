/**
 * The container build check (test/container) follows the Dockerfile by reading it: here, that it
 * reads it as Docker does and refuses what it does not understand, and that the Dockerfile and
 * .dockerignore say what the check relies on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDockerfile } from '../../container/dockerfile';
import { parseDockerignore } from '../../container/dockerignore';
import { keyopsServices, ROOT } from '../../support/deployFiles';

const stages = parseDockerfile(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));

describe('the Dockerfile, as the container build check reads it', () => {
  it('is understood whole: a build stage with every dependency, then a runtime stage without the dev ones', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    const runs = (stages[0]?.instructions ?? []).flatMap((i) => (i.kind === 'RUN' ? [i.command] : []));
    expect(runs.join('\n')).toMatch(/npm ci\b(?![^\n]*--omit)/);
    expect(runs.join('\n')).toMatch(/npm run build[\s\S]*npm prune --omit=dev/);
    const runtime = stages[1]?.instructions ?? [];
    expect(runtime.filter((i) => i.kind === 'RUN')).toEqual([]);
    expect(runtime.find((i) => i.kind === 'USER')).toMatchObject({ user: 'node' });
  });

  it("starts the bot by default, as docker-compose.yml's bot service does", () => {
    const cmd = stages[1]?.instructions.find((i) => i.kind === 'CMD');
    const bot = keyopsServices().find(([name]) => name === 'keyops-bot')?.[1].command;
    expect(cmd).toMatchObject({ argv: bot });
  });

  it('substitutes build arguments in FROM and joins continued lines, skipping comments inside them', () => {
    const [stage] = parseDockerfile('ARG BASE=node:20-slim\nFROM ${BASE} AS one\nRUN echo a \\\n# a comment\n && echo b\n');
    expect(stage).toEqual({ name: 'one', base: 'node:20-slim', instructions: [{ kind: 'RUN', line: 3, command: 'echo a && echo b' }] });
  });

  it.each([
    ['ADD https://example.com/x /x', /Dockerfile:2: ADD is not understood/],
    ['RUN --mount=type=cache,target=/root/.npm npm ci', /Dockerfile:2: only the shell form of RUN/],
    ['COPY --chown=node:node . .', /Dockerfile:2: COPY --chown=node:node: only --from/],
    ['CMD node dist/bin/bot.js', /Dockerfile:2: only the exec form of CMD/],
  ])('refuses what it cannot follow, naming the line: %s', (line, message) => {
    expect(() => parseDockerfile(`FROM node:20\n${line}\n`)).toThrow(message);
  });
});

describe('.dockerignore, as the container build check applies it', () => {
  const ignored = parseDockerignore(readFileSync(path.join(ROOT, '.dockerignore'), 'utf8'));

  it('keeps secrets, local state, installs and build output out of the build context', () => {
    const out = ['.env', '.env.production', '.keyops/postgres/PG_VERSION', 'node_modules/pg/package.json', 'dist/bin/bot.js', 'generated/prisma/client.ts', '.git/HEAD', 'test/unit/x.test.ts'];
    expect(out.filter((p) => !ignored(p))).toEqual([]);
    const kept = ['package.json', 'package-lock.json', 'api/routes.ts', 'prisma/migrations/x/migration.sql', 'scripts/build.js', 'playground/public/index.html', 'policy.example.yaml'];
    expect(kept.filter(ignored)).toEqual([]);
  });

  it("anchors patterns at the context's root, as Docker does (not at every depth, as git does)", () => {
    const rules = parseDockerignore('node_modules\n*.log\n**/*.tmp\ndocs/*\n!docs/keep.md\n');
    expect(['node_modules/a', 'x.log', 'a/b/c.tmp', 'docs/drop.md'].filter((p) => !rules(p))).toEqual([]);
    expect(['api/node_modules/a', 'logs/x.log', 'docs/keep.md'].filter(rules)).toEqual([]);
  });
});
