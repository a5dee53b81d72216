// `npm start` ends here: a kube-sim (demo seed) in this process, then the backend on PORT (3000)
// serving the built console from WEB_DIST (default apps/web-k8s/dist), data under ./data of the
// repository, and the sim registered as cluster "demo" (see demo-cluster.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKubeSim } from '@k8s-console/kube-sim';
import { start } from '../main.js';
import { registerDemoCluster } from './demo-cluster.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

async function main(): Promise<void> {
  const sim = await startKubeSim({ seed: 'demo', port: 0 });
  const env = { WEB_DIST: join(repoRoot, 'apps', 'web-k8s', 'dist'), ...process.env };
  const app = await start({ env, cwd: repoRoot, afterClose: () => sim.stop() });
  // The console is useful without its demo: a failure here is reported, not fatal.
  await registerDemoCluster(app, sim.kubeconfig('demo')).then(
    (summary) => app.log.info(summary),
    (err: unknown) => app.log.warn({ err: (err as Error).message }, 'could not register the kube-sim demo cluster'),
  );
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : app.config.port;
  process.stdout.write(`\n  K8s Console is running on http://localhost:${port}  (kube-sim demo cluster at ${sim.url})\n\n`);
}

main().catch((err: unknown) => {
  console.error(`quickstart failed: ${(err as Error).message}`);
  process.exit(1);
});
