// GET /metrics in Prometheus format: request duration by route and status, and process metrics.
// Each app has its own registry (tests build many apps in one process); other plugins register
// their metrics on `app.metricsRegistry`.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry;
    /** Records one answered request (hijacked replies, which skip onResponse, call this themselves). */
    observeRequest(request: FastifyRequest, statusCode: number, seconds: number): void;
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
    const observeRequest = (request: FastifyRequest, statusCode: number, seconds: number) => {
      // The route pattern, never the raw URL: ids in paths would explode the label set.
      const route = request.routeOptions.url ?? 'unmatched';
      const key = `${request.method} ${statusCode} ${route}`;
      let child = series.get(key);
      if (!child) {
        child = duration.labels({ method: request.method, route, status_code: String(statusCode) });
        series.set(key, child);
      }
      child.observe(seconds);
    };
    app.decorate('metricsRegistry', registry);
    app.decorate('observeRequest', observeRequest);
    app.addHook('onResponse', (request, reply, done) => {
      observeRequest(request, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
    app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  },
  { name: 'metrics' },
);
