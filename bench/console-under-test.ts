// Starts what the proxy and watch-hub benchmarks measure, each in its own process so no two
// share an event loop: kube-sim (its CLI), the backend (its main.ts, as deployed), and
// `kubectl proxy` as the reference proxy. Registers the sim as a cluster through the API.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface RunningProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns a process and resolves when its output matches `ready` (or at once without one). */
function startProcess(command: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; ready?: RegExp }): Promise<RunningProcess & { match: RegExpMatchArray }> {
  const child = spawn(command, args, { cwd: opts.cwd ?? root, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(opts.ready!);
      if (match) {
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve({ child, stop, match });
      }
    };
    if (!opts.ready) {
      child.stdout!.resume();
      child.stderr!.pipe(process.stderr);
      return resolve({ child, stop, match: [] as unknown as RegExpMatchArray });
    }
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${output.slice(-500)}`)));
  });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Sim extends RunningProcess {
  url: string;
  kubeconfigPath: string;
  kubeconfig: string;
  token: string;
  caPem: string;
}

export async function startSimProcess(seed: string): Promise<Sim> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sim-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const p = await startProcess(process.execPath, ['packages/kube-sim/bin/kube-sim.mjs', '--port', '0', '--seed', seed, '--kubeconfig-out', kubeconfigPath], {
    ready: /kube-sim listening on (\S+)/,
  });
  const kubeconfig = readFileSync(kubeconfigPath, 'utf8');
  const token = /token: (\S+)/.exec(kubeconfig)![1]!;
  const caPem = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)![1]!, 'base64').toString('utf8');
  return {
    ...p,
    url: p.match[1]!,
    kubeconfigPath,
    kubeconfig,
    token,
    caPem,
    async stop() {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Backend extends RunningProcess {
  url: string;
  token: string;
  clusterId: string;
  pid: number;
}

export const ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD = 'bench-admin-password';

// NODE_ENV=production, as deployed: then every secret must be given (nothing is generated).
const productionSecrets = {
  JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789abcdef',
  KUBECONFIG_ENCRYPTION_KEYS: `bench:${Buffer.alloc(32, 7).toString('base64')}`,
  INTERNAL_SECRET: 'bench-internal-secret-0123456789abcdef',
};

export interface BackendOptions {
  /** A web build for the backend to serve (WEB_DIST). */
  webDist?: string;
  /** NODE_ENV: production by default, as deployed. */
  nodeEnv?: 'production' | 'development';
}

/** The backend (its main.ts) on a fresh data folder, signed in as the admin, with the sim registered as cluster "bench". */
export async function startBackendProcess(sim: Sim, opts: BackendOptions = {}): Promise<Backend> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-backend-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_CPU_PROF_DIR=<dir>: the backend writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF_DIR] : [];
  const nodeEnv = opts.nodeEnv ?? 'production';
  const p = await startProcess(process.execPath, [...profile, '--expose-gc', '--import', 'tsx', 'apps/backend-k8s/src/main.ts'], {
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      ...(opts.webDist ? { WEB_DIST: opts.webDist } : {}),
      ADMIN_USERNAME,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      NODE_ENV: nodeEnv,
      ...(nodeEnv === 'production' ? productionSecrets : {}),
    },
  });
  const stop = async () => {
    await p.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // Ready when the API answers.
    for (let i = 0; ; i++) {
      if (p.child.exitCode !== null) throw new Error(`the backend exited with ${p.child.exitCode}`);
      if (await fetch(`${url}/health/live`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error('the backend did not answer /health/live within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const created = await fetch(`${url}/api/v1/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name: 'bench', kubeconfig: sim.kubeconfig }),
    });
    if (created.status !== 201) throw new Error(`registering the sim failed: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    return { ...p, url, token: accessToken, clusterId: id, pid: p.child.pid!, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function startKubectlProxy(kubectl: string, sim: Sim): Promise<RunningProcess & { url: string }> {
  const p = await startProcess(kubectl, ['proxy', '--port=0', `--kubeconfig=${sim.kubeconfigPath}`], { ready: /Starting to serve on (\S+)/ });
  return { ...p, url: `http://${p.match[1]}` };
}

/** bench/node-reference-proxy.mjs in front of the sim: what a proxy costs in Node before any console work. */
export async function startNodeReferenceProxy(sim: Sim): Promise<RunningProcess & { url: string }> {
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF_DIR, '--cpu-prof-name', `node-reference-${Date.now()}.cpuprofile`] : [];
  const p = await startProcess(process.execPath, [...profile, 'bench/node-reference-proxy.mjs'], {
    env: { SIM_URL: sim.url, SIM_TOKEN: sim.token, SIM_CA: sim.caPem },
    ready: /node reference proxy listening on (\S+)/,
  });
  return { ...p, url: p.match[1]! };
}

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc (Linux). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name (which may hold spaces): utime and stime are the 12th and 13th
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux architecture this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Resident memory of a process, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}
