/**
 * The Temporal SDK's own download of the CLI (`@temporalio/testing`, a dev dependency): it needs
 * the internet, so it is tried only when no CLI is installed.
 */
import path from 'node:path';
import type { Logger } from './log';
import type { TemporalDevServer } from './temporalDevServer';

const HOST = '127.0.0.1';

/** Rejects with the SDK's own error when the download (or the package) is not there. */
export async function startWithSdkDownload(args: {
  dataDir: string;
  dbFile: string;
  port: number;
  ui: boolean;
  uiPort: number;
  namespace: string;
  log: Logger;
  startedAt: number;
}): Promise<TemporalDevServer> {
  const { log, namespace } = args;
  log.warn('temporal CLI not found (TEMPORAL_CLI_PATH unset, no `temporal` on PATH): trying the Temporal SDK download');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download', downloadDir: path.join(args.dataDir, 'cli') },
      ip: HOST,
      port: args.port,
      ui: args.ui,
      ...(args.ui ? { uiPort: args.uiPort } : {}),
      namespace,
      dbFilename: args.dbFile,
      log: { format: 'json', level: 'warn' },
    },
  });
  const address = env.address;
  log.info('temporal dev server started (SDK download)', { address, namespace, dataDir: args.dataDir, ms: Date.now() - args.startedAt });
  let stopping: Promise<void> | undefined;
  return {
    address,
    namespace,
    stop: () => {
      stopping ??= (async () => {
        const stopAt = Date.now();
        await env.teardown();
        log.info('temporal dev server stopped', { ms: Date.now() - stopAt });
      })();
      return stopping;
    },
  };
}
