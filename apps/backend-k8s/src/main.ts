// Reads config, builds, listens, and shuts down gracefully on SIGTERM/SIGINT: stop accepting,
// let in-flight requests finish, close plugins (database last), then exit.
import { buildApp } from './app.js';
import { ConfigError } from './config/app-config.js';
import { loadConfig } from './config/load-config.js';
import type { FastifyInstance } from 'fastify';

const SHUTDOWN_GRACE_MS = 25_000;

export interface StartOptions {
  env?: Record<string, string | undefined>;
  /** what relative DATA_DIR and WEB_DIST resolve against */
  cwd?: string;
  /** runs after the app closed on SIGTERM/SIGINT, before exit (e.g. the quickstart's kube-sim) */
  afterClose?: () => Promise<void>;
}

export async function start(options: StartOptions = {}): Promise<FastifyInstance> {
  const { config, warnings } = loadConfig(options.env ?? process.env, options.cwd ?? process.cwd());
  const app = await buildApp(config, { warnings });
  await app.listen({ host: config.host, port: config.port });

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    // Keep-alive sockets whose last request finishes after close() began would hold it open.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100).unref();
    const force = setTimeout(() => {
      app.log.error('shutdown took too long, exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    app
      .close()
      .then(() => options.afterClose?.())
      .then(
      () => {
        clearTimeout(force);
        clearInterval(sweep);
        app.log.info('shut down');
        process.exit(0);
      },
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return app;
}

function isMain(): boolean {
  return process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
}

if (isMain()) {
  start().catch((err: unknown) => {
    // One line naming what is wrong, not a stack trace, for config mistakes.
    if (err instanceof ConfigError) console.error(`configuration error: ${err.message}`);
    else console.error(`failed to start: ${(err as Error).message}`);
    process.exit(1);
  });
}
