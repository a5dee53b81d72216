// Ages in these expectations are whole minutes, so a slow run cannot change what is printed.
// Table rows of every served kind: as many cells as columns, even for sparse objects, and the
// values kubectl prints for the common kinds.
import { describe, expect, it } from 'vitest';
import { ResourceRegistry } from '../../src/index.js';
import { humanDuration } from '../../src/table/human-duration.js';
import { toTable } from '../../src/table/table-printer.js';

const registry = new ResourceRegistry();
const minutesAgo = (m: number): string => new Date(Date.now() - m * 60_000).toISOString();

describe('Table printing', () => {
  it('prints one cell per column for every built-in kind, even for a bare object', () => {
    for (const def of registry.all()) {
      const table = toTable(def, def.version, [{ metadata: { name: 'x', namespace: 'ns', creationTimestamp: minutesAgo(5) } }], {}, 'None');
      expect(table.rows[0]?.cells.length, def.resource).toBe(table.columnDefinitions.length);
    }
  });

  it('prints deployments, nodes, services and events as kubectl does', () => {
    const row = (resource: string, obj: object): unknown[] => {
      const def = registry.resolve(resource);
      return toTable(def, def.version, [obj], {}, 'None').rows[0]!.cells;
    };
    expect(row('deployments', {
      metadata: { name: 'web', creationTimestamp: minutesAgo(90) },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } } },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    })).toEqual(['web', '2/3', 3, 2, '90m', 'nginx', 'nginx:1', 'app=web']);
    expect(row('nodes', {
      metadata: { name: 'n1', creationTimestamp: minutesAgo(60 * 24 * 3), labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.28.0' }, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
    }).slice(0, 6)).toEqual(['n1', 'Ready,SchedulingDisabled', 'control-plane', '3d', 'v1.28.0', '10.0.0.1']);
    expect(row('services', {
      metadata: { name: 'lb', creationTimestamp: minutesAgo(10) },
      spec: { type: 'LoadBalancer', clusterIP: '10.96.0.5', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }], selector: { app: 'web' } },
      status: { loadBalancer: {} },
    })).toEqual(['lb', 'LoadBalancer', '10.96.0.5', '<pending>', '80:30080/TCP', '10m', 'app=web']);
    expect(row('events', {
      metadata: { name: 'e1', creationTimestamp: minutesAgo(2) },
      type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container',
      involvedObject: { kind: 'Pod', name: 'api-1', fieldPath: 'spec.containers{api}' },
      source: { component: 'kubelet', host: 'n1' }, count: 4, firstTimestamp: minutesAgo(20), lastTimestamp: minutesAgo(10),
    }).slice(0, 7)).toEqual(['10m', 'Warning', 'BackOff', 'pod/api-1', 'spec.containers{api}', 'kubelet, n1', 'Back-off restarting failed container']);
  });

  it('prints pods in CrashLoopBackOff and Terminating with their reasons', () => {
    const def = registry.resolve('pods');
    const crash = toTable(def, 'v1', [{
      metadata: { name: 'p', creationTimestamp: minutesAgo(10) },
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 0, state: { running: {} } },
          { name: 'b', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { finishedAt: minutesAgo(10) } } },
        ],
      },
    }], {}, 'None').rows[0]!.cells;
    expect(crash.slice(0, 4)).toEqual(['p', '1/2', 'CrashLoopBackOff', '5 (10m ago)']);
    const terminating = toTable(def, 'v1', [{ metadata: { name: 't', deletionTimestamp: minutesAgo(0) }, spec: { containers: [{ name: 'a' }] }, status: { phase: 'Running' } }], {}, 'None').rows[0]!.cells;
    expect(terminating[2]).toBe('Terminating');
  });

  it('formats ages like kubectl', () => {
    expect([59, 119, 125, 600, 3 * 3600 + 60, 7 * 3600 + 60, 30 * 3600, 3 * 86400 + 3600, 400 * 86400, 3 * 365 * 86400].map((s) => humanDuration(s * 1000)))
      .toEqual(['59s', '119s', '2m5s', '10m', '3h1m', '7h1m', '30h', '3d1h', '400d', '3y']);
  });
});
