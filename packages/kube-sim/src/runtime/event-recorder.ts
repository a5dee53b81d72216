// Records core/v1 Events the way components of a real cluster do: one object per (object,
// reason, message), whose count and lastTimestamp grow when it repeats (BackOff does).
import type { K8sObject } from '../store/k8s-object.js';
import { R, type RuntimeStore } from './runtime-store.js';
import { nowIso } from './object-helpers.js';

export interface EventSource {
  component: string;
  host?: string;
}

const MAX_EVENTS = 5000;

export class EventRecorder {
  private readonly recent = new Map<string, { namespace: string; name: string }>();
  private sequence = 0;

  constructor(private readonly store: RuntimeStore) {}

  record(involved: K8sObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void {
    const meta = involved.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const key = `${meta.uid}|${reason}|${message}|${fieldPath ?? ''}`;
    const now = nowIso();
    const seen = this.recent.get(key);
    if (seen) {
      const existing = this.store.get(R.events, seen.namespace, seen.name);
      if (existing) {
        this.store.update(R.events, { ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: now });
        return;
      }
    }
    const name = `${meta.name}.${(Date.now() * 1000 + (this.sequence++ % 1000)).toString(16)}`;
    const event: K8sObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source: source.host ? { component: source.component, host: source.host } : { component: source.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    this.store.create(R.events, event);
    this.recent.set(key, { namespace, name });
    if (this.recent.size > MAX_EVENTS) {
      // forget (and delete) the oldest, as the apiserver's event TTL would
      const [oldestKey, oldest] = this.recent.entries().next().value as [string, { namespace: string; name: string }];
      this.recent.delete(oldestKey);
      this.store.remove(R.events, oldest.namespace, oldest.name);
    }
  }
}
