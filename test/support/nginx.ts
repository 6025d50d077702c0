/**
 * nginx (Debian's) as a child process configured in a folder of its own: what the gateway tests
 * (test/support/gateways.ts), the Temporal TLS proxy (test/support/tlsProxy.ts) and the verify
 * bench's ceiling (bench/wrk.ts) share. Only the lines inside `http { … }` differ between them.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Debian puts nginx in /usr/sbin, which is not on every user's PATH. */
export const NGINX = process.env.NGINX_PATH ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');

/**
 * Writes `dir`/nginx.conf (one worker in the foreground, its pid and every temp file inside `dir`,
 * `http` as the http block's lines) and returns nginx's arguments to run it.
 */
export async function writeNginxConf(dir: string, options: { http: readonly string[]; workerConnections?: number; errorLevel?: 'warn' | 'error' }): Promise<string[]> {
  await mkdir(path.join(dir, 'temp'), { recursive: true });
  const temp = (name: string): string => `${name}_temp_path ${path.join(dir, 'temp', name)};`;
  const conf = path.join(dir, 'nginx.conf');
  await writeFile(
    conf,
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log stderr ${options.errorLevel ?? 'warn'};`,
      `events { worker_connections ${options.workerConnections ?? 512}; }`,
      'http {',
      `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
      ...options.http.map((line) => `  ${line}`),
      '}',
    ].join('\n'),
  );
  return ['-p', dir, '-c', conf, '-e', 'stderr'];
}
