// Ready worker nodes as a kubelet registers them.
import type { K8sObject } from '../../store/k8s-object.js';
import { nowIso } from '../object-helpers.js';

export function nodeObject(name: string, index: number, opts: { cpu?: string; memory?: string; zone?: string } = {}): K8sObject {
  const now = nowIso();
  const ip = `10.0.${Math.floor(index / 250)}.${(index % 250) + 10}`;
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'm6i.xlarge',
        'topology.kubernetes.io/region': 'sim-region-1',
        'topology.kubernetes.io/zone': opts.zone ?? `sim-region-1${'abc'[index % 3]}`,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: `10.244.${index % 256}.0/24`, podCIDRs: [`10.244.${index % 256}.0/24`], providerID: `kube-sim://${name}` },
    status: {
      capacity: { cpu: opts.cpu ?? '4', memory: opts.memory ?? '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: opts.cpu ?? '4', memory: opts.memory ?? '16Gi', pods: '110', 'ephemeral-storage': '95Gi' },
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: `${index}`.padStart(32, '0'),
        systemUUID: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`,
        bootID: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`,
        kernelVersion: '6.1.0-28-cloud-amd64',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}
