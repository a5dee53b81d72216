// Prometheus metrics of the stream endpoints. Metrics are looked up by name before being created,
// so several apps built in one process (tests) share them instead of failing on re-registration.
import { Counter, Gauge, register as defaultRegistry, type Registry } from 'prom-client';

export type StreamKind = 'log' | 'aggregated-log' | 'log-download' | 'exec';

export interface StreamMetrics {
  open: Gauge<'kind'>;
  bytes: Counter<'kind' | 'direction'>;
  execSessions: Counter<'result'>;
}

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function streamMetrics(registry: Registry = defaultRegistry): StreamMetrics {
  return {
    open: getOrCreate(registry, 'k8s_console_streams_open', () =>
      new Gauge({ name: 'k8s_console_streams_open', help: 'Open log and exec streams', labelNames: ['kind'], registers: [registry] }),
    ),
    bytes: getOrCreate(registry, 'k8s_console_stream_bytes_total', () =>
      new Counter({
        name: 'k8s_console_stream_bytes_total',
        help: 'Bytes moved by log and exec streams; direction is to_client or to_upstream',
        labelNames: ['kind', 'direction'],
        registers: [registry],
      }),
    ),
    execSessions: getOrCreate(registry, 'k8s_console_exec_sessions_total', () =>
      new Counter({
        name: 'k8s_console_exec_sessions_total',
        help: 'Exec sessions by how they ended (exit, client-closed, idle-timeout, upstream-error, shutdown)',
        labelNames: ['result'],
        registers: [registry],
      }),
    ),
  };
}
