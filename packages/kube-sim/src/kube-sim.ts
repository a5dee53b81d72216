// Starts a kube-sim: the API server (api-server.ts) with the runtime (controllers, pod logs,
// pod exec, seeds) plugged in through the router's subresource hooks.
import { startApiServer, type KubeSim, type KubeSimOptions } from './api-server.js';
import { installRuntime, type KubeSimRuntime } from './runtime/index.js';

export type { KubeSim, KubeSimOptions };

export async function startKubeSim(opts: KubeSimOptions = {}): Promise<KubeSim & { runtime: KubeSimRuntime }> {
  const sim = await startApiServer(opts);
  try {
    const runtime = installRuntime(sim, opts);
    sim.onStop(() => runtime.stop());
    return Object.assign(sim, { runtime });
  } catch (err) {
    await sim.stop();
    throw err;
  }
}
