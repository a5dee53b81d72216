// Prometheus metrics of the watch hub: how many upstream watches are open, how many browser
// subscriptions they serve, and how many events reached browsers.
import { Counter, Gauge, register as defaultRegistry, type Registry } from 'prom-client';

export interface WatchMetrics {
  upstreams: Gauge<never>;
  subscribers: Gauge<never>;
  eventsSent: Counter<never>;
  slowClientsDropped: Counter<never>;
}

// Several apps may be built in one process (tests): reuse a metric a registry already holds.
function reuse<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function watchMetrics(registry: Registry = defaultRegistry): WatchMetrics {
  const registers = [registry];
  return {
    upstreams: reuse(registry, 'k8s_console_watch_upstreams', () => new Gauge({ name: 'k8s_console_watch_upstreams', help: 'Upstream list+watch connections open to clusters.', registers })),
    subscribers: reuse(registry, 'k8s_console_watch_subscribers', () => new Gauge({ name: 'k8s_console_watch_subscribers', help: 'Browser subscriptions served by the watch hub.', registers })),
    eventsSent: reuse(registry, 'k8s_console_watch_events_sent_total', () => new Counter({ name: 'k8s_console_watch_events_sent_total', help: 'Watch events sent to browser subscriptions.', registers })),
    slowClientsDropped: reuse(registry, 'k8s_console_watch_slow_clients_dropped_total', () => new Counter({ name: 'k8s_console_watch_slow_clients_dropped_total', help: 'Watch sockets closed because the browser could not keep up.', registers })),
  };
}
