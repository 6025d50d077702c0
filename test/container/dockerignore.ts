/**
 * .dockerignore as Docker applies it to the build context: patterns are anchored at the context's
 * root (`node_modules` is the top-level folder only, unlike .gitignore), `*` and `?` stay within one
 * path segment, `**` spans any number of them, a matched folder takes everything under it, and a
 * later `!pattern` takes a path back in.
 */
interface Rule {
  regex: RegExp;
  exclude: boolean;
}

export function parseDockerignore(text: string): (relativePath: string) => boolean {
  const rules: Rule[] = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const exclude = !l.startsWith('!');
      const pattern = (exclude ? l : l.slice(1)).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      return { regex: patternRegex(pattern), exclude };
    });
  /** True when Docker leaves the path (relative to the context, `/`-separated) out of the context. */
  return (relativePath) => {
    const segments = relativePath.split('/');
    let ignored = false;
    for (const rule of rules) {
      // The path itself or any folder above it.
      const hit = segments.some((_, i) => rule.regex.test(segments.slice(0, i + 1).join('/')));
      if (hit) ignored = rule.exclude;
    }
    return ignored;
  };
}

function patternRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more folders; a trailing `**` anything below.
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
