// Builds the console's backend: a list of plugin registrations, one per domain folder, each
// declaring its name and dependencies. Tests call buildApp(config) and use app.inject.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AppConfig } from './config/app-config.js';
import { configPlugin } from './config/config-plugin.js';
import { errorHandlerPlugin } from './errors/error-handler.js';
import { schemaValidatorCompiler } from './validation/schema-validator.js';
import { loggerOptions } from './observability/logger-options.js';
import { metricsPlugin } from './observability/metrics-plugin.js';
import { healthPlugin } from './observability/health-plugin.js';
import { dbPlugin } from './db/db-plugin.js';
import { cryptoPlugin } from './crypto/crypto-plugin.js';
import { authPlugin } from './auth/auth-plugin.js';
import { auditPlugin } from './audit/audit-plugin.js';
import { tokensPlugin } from './auth/tokens/tokens-plugin.js';
import { rbacPlugin } from './rbac/rbac-plugin.js';
import { ssoPlugin } from './auth/sso/sso-plugin.js';
import { clustersPlugin } from './clusters/clusters-plugin.js';
import { kubePlugin } from './kube/kube-plugin.js';
import { streamsPlugin } from './streams/index.js';
import { replicationPlugin } from './replication/index.js';
import { webPlugin } from './web/web-plugin.js';
import { embedPlugin } from './embed/embed-plugin.js';
import { appDeployRoutes } from './app-deploy/app-deploy-routes.js';
import { FastPathSlot } from './kube/proxy-fast-path.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** where a domain installs a fast path for its hottest requests (the proxy's reads) */
    fastPaths: FastPathSlot;
  }
}

export interface BuildOptions {
  /** override the logger (tests pass a stream to capture lines, or false) */
  logger?: FastifyServerOptions['logger'];
  loggerInstance?: FastifyServerOptions['loggerInstance'];
  /** config warnings (e.g. generated development secrets), logged before any plugin runs */
  warnings?: string[];
}

export async function buildApp(config: AppConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  // The kube domain installs the proxy's fast path here (kube/proxy-fast-path.ts).
  const fastPaths = new FastPathSlot();
  const app = Fastify({
    serverFactory: fastPaths.serverFactory,
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? loggerOptions(config.logLevel) }),
    bodyLimit: config.bodyLimitBytes,
    // Behind nginx every request comes from nginx: the real client address (audit, login
    // throttling per address) is only known when the proxy is trusted (TRUST_PROXY).
    trustProxy: (config.trustProxy ?? false) as FastifyServerOptions['trustProxy'],
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  app.decorate('fastPaths', fastPaths);
  for (const warning of options.warnings ?? []) app.log.warn(warning);

  // Extra fields are an error naming the field, not silently dropped; types are not coerced in bodies.
  app.setValidatorCompiler(schemaValidatorCompiler());

  // Cross-cutting: config, errors, observability.
  await app.register(configPlugin, { config });
  await app.register(errorHandlerPlugin);
  await app.register(metricsPlugin);
  // CORS for the embedding hosts, ahead of every route (preflights included).
  await app.register(embedPlugin);

  // State: database (migrated), sealing keys.
  await app.register(dbPlugin);
  await app.register(cryptoPlugin);

  // Domains.
  await app.register(authPlugin);
  // Console RBAC replaces app.authorizer here, before any domain that captures it.
  await app.register(auditPlugin);
  await app.register(tokensPlugin);
  await app.register(rbacPlugin);
  await app.register(ssoPlugin);
  await app.register(clustersPlugin);
  await app.register(kubePlugin);
  await app.register(appDeployRoutes);
  // Pod logs and exec WebSockets; after kube, which registers @fastify/websocket for every endpoint.
  await app.register(streamsPlugin);
  await app.register(replicationPlugin);
  await app.register(healthPlugin);

  // The built web console, last so every API route is matched before the SPA fallback.
  await app.register(webPlugin);

  return app;
}
