// A kube-sim for the browser tests, started in-process from its library (HTTPS, own CA, token).
import { startKubeSim as start, type KubeSim } from '@k8s-console/kube-sim';

export interface KubeSimHandle {
  url: string;
  kubeconfig: string;
  sim: KubeSim;
  stop(): Promise<void>;
}

export async function startKubeSim(opts: { seed?: string } = {}): Promise<KubeSimHandle> {
  const sim = await start({ seed: opts.seed ?? 'demo', podStartDelayMs: 200 });
  return { url: sim.url, kubeconfig: sim.kubeconfig('kube-sim'), sim, stop: () => sim.stop() };
}
