// Counters for the replica broadcast, so an operator can see siblings falling out of step
// (failed sends) and which path actually delivered changes (broadcast, notify or reconcile).
import { Counter, register as defaultRegistry, type Registry } from 'prom-client';

export type ReloadSource = 'broadcast' | 'notify' | 'reconcile';

export interface ReplicationMetrics {
  broadcastsSent: Counter<'outcome'>;
  broadcastsFailed: Counter<never>;
  reloadsReceived: Counter<'source'>;
  accessChangesReceived: Counter<never>;
}

// Several apps may be built in one process (tests): reuse a counter a registry already holds.
function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ name, help, labelNames, registers: [registry] });
}

export function replicationMetrics(registry: Registry = defaultRegistry): ReplicationMetrics {
  return {
    broadcastsSent: counter(
      registry,
      'k8s_console_reload_broadcasts_sent_total',
      'Reload requests sent to sibling replicas, by outcome of each attempt (ok, error, timeout, refused).',
      ['outcome'],
    ),
    broadcastsFailed: counter(
      registry,
      'k8s_console_reload_broadcasts_failed_total',
      'Reload broadcasts to one peer that failed after every retry.',
      [],
    ),
    reloadsReceived: counter(
      registry,
      'k8s_console_reloads_received_total',
      'Cluster connection reloads this replica performed because of a sibling, by path (broadcast, notify, reconcile).',
      ['source'],
    ),
    accessChangesReceived: counter(
      registry,
      'k8s_console_access_changes_received_total',
      "Changes to users, roles or bindings made on a sibling replica and told by NOTIFY: this replica's cached rules were dropped and open sockets checked again.",
      [],
    ),
  };
}
