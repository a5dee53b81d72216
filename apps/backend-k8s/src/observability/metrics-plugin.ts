// GET /metrics in Prometheus format: request duration by route and status, and process metrics.
// Each app has its own registry (tests build many apps in one process); other plugins register
// their metrics on `app.metricsRegistry`.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry;
    /**
     * Records one answered request under its route pattern. The hook records every request
     * Fastify saw finish; the proxy records those it answered without Fastify or that the
     * client left before the end.
     */
    observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
  }
}

export const metricsPlugin = fp(
  async (app: FastifyInstance) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'k8s_console_' });
    const duration = new Histogram({
      name: 'k8s_console_http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    // One child per label set, kept: resolving labels on every observation costs more than the
    // observation. The sets are few (methods x route patterns x status codes).
    const series = new Map<string, Histogram.Internal<string>>();
    const observeRequest = (method: string, route: string, statusCode: number, seconds: number) => {
      const key = `${method} ${statusCode} ${route}`;
      let child = series.get(key);
      if (!child) {
        child = duration.labels({ method, route, status_code: String(statusCode) });
        series.set(key, child);
      }
      child.observe(seconds);
    };
    app.decorate('metricsRegistry', registry);
    app.decorate('observeRequest', observeRequest);
    app.addHook('onResponse', (request, reply, done) => {
      // The route pattern, never the raw URL: ids in paths would explode the label set.
      observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
    app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  },
  { name: 'metrics' },
);
