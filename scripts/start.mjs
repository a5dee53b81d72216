// `npm start`: install, build the console, start kube-sim's demo cluster and the backend on :3000.
import { ensureInstalled, run } from './toolchain.mjs';

ensureInstalled();
run('pnpm', ['--filter', '@k8s-console/web-k8s', 'build']);
run('pnpm', ['--filter', '@k8s-console/backend-k8s', 'quickstart']);
