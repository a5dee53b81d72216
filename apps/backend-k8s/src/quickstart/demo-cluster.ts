// The quickstart's demo cluster: kube-sim registered as "demo" when no cluster exists yet. The
// sim's port and token change on every start, so the row (marked managed_by='quickstart') gets
// the new kubeconfig each time; clusters people added are never touched.
import type { FastifyInstance } from 'fastify';

export const QUICKSTART = 'quickstart';

/** Registers the sim as "demo", or points the existing quickstart row at this run's sim. */
export async function registerDemoCluster(app: FastifyInstance, kubeconfig: string): Promise<string> {
  const registry = app.clusterRegistry;
  const rows = await registry.store.list();
  const demo = rows.find((r) => r.managed_by === QUICKSTART);
  if (demo) {
    await registry.replaceCredentials(demo.id, registry.parse({ kubeconfig }));
    await registry.testStored(demo.id);
    return `cluster "${demo.name}" now points at this run's kube-sim`;
  }
  if (rows.length > 0) return 'clusters exist already: no demo cluster added';
  const row = await registry.create(
    { name: 'demo', description: 'Simulated cluster (kube-sim, demo seed) started by npm start', kubeconfig },
    { username: QUICKSTART, skipTest: false, managedBy: QUICKSTART },
  );
  return `registered kube-sim as cluster "${row.name}"`;
}
