// Real kubectl against a demo-seeded kube-sim: rollouts, scaling, logs and exec behave as on a
// real cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { kubectlPath } from '@k8s-console/test-support';
import { startKubeSim, type KubeSim } from '../../src/index.js';
import { LOG_RATE } from '../../src/runtime/sim-annotations.js';

const gate = kubectlPath();

// Google Cloud SDK's kubectl is a dispatcher that runs the kubectl matching the server's minor
// version (kube-sim reports v1.28, whose kubectl execs over SPDY/3.1). kubectl >= 1.31 execs over
// WebSocket, so the exec test also runs the 1.32 binary beside the dispatcher when there is one.
function execClients(path: string): string[] {
  const sibling = join(dirname(realpathSync(path)), 'kubectl.1.32');
  return existsSync(sibling) ? [path, sibling] : [path];
}

interface Result { code: number; stdout: string; stderr: string }

describe.runIf(gate.available)('kubectl against the runtime', () => {
  let sim: KubeSim;
  let dir: string;
  let kubeconfig: string;

  const kubectl = (args: string[], input?: string, binary = process.env.KUBE_SIM_KUBECTL ?? gate.path): Promise<Result> => new Promise((resolve) => {
    const child = execFile(binary, args, { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });

  const eventually = async <T>(fn: () => Promise<T> | T, ok: (v: T) => boolean): Promise<T> => {
    let last: T = await fn();
    for (let i = 0; i < 200 && !ok(last); i++) {
      await new Promise((r) => setTimeout(r, 50));
      last = await fn();
    }
    return last;
  };

  const runningPods = (ns: string, app: string) => sim.store.list('pods', { namespace: ns, labelSelector: `app=${app}` }).items
    .filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);

  beforeAll(async () => {
    sim = await startKubeSim({ seed: 'demo', podStartDelayMs: 20 });
    dir = mkdtempSync(join(tmpdir(), 'kube-sim-runtime-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeconfig('sim'), { mode: 0o600 });
    await eventually(() => runningPods('shop', 'redis').length, (n) => n === 2);
  });

  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rollout restart replaces the pods and rollout status waits for it', async () => {
    await eventually(() => runningPods('shop', 'frontend').length, (n) => n === 3);
    const before = runningPods('shop', 'frontend').map((p) => p.metadata?.name);
    const restart = await kubectl(['-n', 'shop', 'rollout', 'restart', 'deployment/frontend']);
    expect(restart).toMatchObject({ code: 0, stdout: 'deployment.apps/frontend restarted\n' });
    const status = await kubectl(['-n', 'shop', 'rollout', 'status', 'deployment/frontend', '--timeout=60s']);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('deployment "frontend" successfully rolled out');
    const after = runningPods('shop', 'frontend').map((p) => p.metadata?.name);
    expect(after).toHaveLength(3);
    expect(after.some((n) => before.includes(n))).toBe(false);
    const rs = await kubectl(['-n', 'shop', 'get', 'rs', '-l', 'app=frontend', '-o', 'json']);
    const items = JSON.parse(rs.stdout).items as { spec: { replicas: number } }[];
    expect(items.map((i) => i.spec.replicas).sort()).toEqual([0, 3]);
    const events = await kubectl(['-n', 'shop', 'get', 'events', '--field-selector', 'involvedObject.name=frontend', '-o', 'json']);
    expect(JSON.parse(events.stdout).items.map((e: { reason: string }) => e.reason)).toContain('ScalingReplicaSet');
  });

  it('set image rolls out a new ReplicaSet and rollout undo goes back to the old one', async () => {
    const rsNames = () => sim.store.list('replicasets.apps', { namespace: 'shop', labelSelector: 'app=api' }).items.map((r) => r.metadata?.name).sort();
    const before = rsNames();
    expect((await kubectl(['-n', 'shop', 'set', 'image', 'deployment/api', 'api=ghcr.io/example/shop-api:1.5.0'])).code).toBe(0);
    expect((await kubectl(['-n', 'shop', 'rollout', 'status', 'deployment/api', '--timeout=60s'])).code).toBe(0);
    expect(rsNames()).toHaveLength(before.length + 1);
    const undo = await kubectl(['-n', 'shop', 'rollout', 'undo', 'deployment/api']);
    expect(undo).toMatchObject({ code: 0, stdout: 'deployment.apps/api rolled back\n' });
    expect((await kubectl(['-n', 'shop', 'rollout', 'status', 'deployment/api', '--timeout=60s'])).code).toBe(0);
    expect(rsNames()).toHaveLength(before.length + 1);
    const image = await kubectl(['-n', 'shop', 'get', 'deployment', 'api', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    expect(image.stdout).toBe('ghcr.io/example/shop-api:1.4.2');
    const history = await kubectl(['-n', 'shop', 'rollout', 'history', 'deployment/api']);
    expect(history.stdout).toMatch(/\n2 .*\n3 /);
    await eventually(() => runningPods('shop', 'api').filter((p) => p.spec.containers[0].image.endsWith(':1.4.2')).length, (n) => n === 2);
  });

  it('scale changes the number of running pods', async () => {
    expect((await kubectl(['-n', 'shop', 'scale', 'deployment/api', '--replicas=5'])).code).toBe(0);
    const pods = await eventually(async () => JSON.parse((await kubectl(['-n', 'shop', 'get', 'pods', '-l', 'app=api', '-o', 'json'])).stdout).items as { status: { phase: string } }[],
      (items) => items.length === 5 && items.every((p) => p.status.phase === 'Running'));
    expect(pods).toHaveLength(5);
    expect((await kubectl(['-n', 'shop', 'scale', 'deployment/api', '--replicas=1'])).code).toBe(0);
    expect(await eventually(() => runningPods('shop', 'api').length, (n) => n === 1)).toBe(1);
  });

  it('logs --tail prints the last lines, logs -f follows new ones', async () => {
    const tail = await kubectl(['-n', 'shop', 'logs', 'redis-0', '--tail=3']);
    expect(tail.code).toBe(0);
    expect(tail.stdout.split('\n').slice(0, -1)).toHaveLength(3);
    const stamped = await kubectl(['-n', 'shop', 'logs', 'redis-0', '--tail=1', '--timestamps']);
    expect(stamped.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z 1:M /);

    sim.store.create('pods', {
      metadata: { name: 'chatty', namespace: 'default', annotations: { [LOG_RATE]: '50' } },
      spec: { containers: [{ name: 'app', image: 'ghcr.io/example/chatty:1.0' }] },
    });
    await eventually(() => sim.store.get('pods', 'default', 'chatty')?.status?.phase, (p) => p === 'Running');
    const child = spawn(gate.path, ['logs', '-f', 'chatty', '--tail=0'], { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir } });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.split('\n').length > 20) resolve();
      });
      child.on('exit', () => resolve());
    });
    child.kill();
    expect(out.split('\n').length).toBeGreaterThan(20);
    // a bare pod would make the drain test below refuse without --force
    sim.store.delete('pods', 'default', 'chatty');
    const missing = await kubectl(['-n', 'shop', 'logs', 'redis-0', '--previous']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('previous terminated container "redis" in pod "redis-0" not found');
  });

  it.each(execClients(gate.path))('exec passes stdin through cat and returns the exit code of the command (%s)', async (binary) => {
    const exec = (args: string[], input?: string) => kubectl(['-n', 'shop', 'exec', ...args], input, binary);
    const cat = await exec(['-i', 'redis-0', '--', 'cat'], 'hi\nthere\n');
    expect(cat).toMatchObject({ code: 0, stdout: 'hi\nthere\n' });
    const exit3 = await exec(['redis-0', '--', 'sh', '-c', 'echo out; exit 3']);
    expect(exit3.code).toBe(3);
    expect(exit3.stdout).toBe('out\n');
    const unknown = await exec(['redis-0', '--', 'frobnicate']);
    expect(unknown.code).toBe(127);
    expect(unknown.stderr).toContain('sh: frobnicate: not found');
    const host = await exec(['redis-0', '--', 'cat', '/etc/hostname']);
    expect(host).toMatchObject({ code: 0, stdout: 'redis-0\n' });
    // the container's files outlive one exec
    expect((await exec(['-i', 'redis-0', '--', 'sh', '-c', 'cat > /tmp/from-stdin'], 'kept\n')).code).toBe(0);
    expect(await exec(['redis-0', '--', 'cat', '/tmp/from-stdin'])).toMatchObject({ code: 0, stdout: 'kept\n' });
  });

  it('drain cordons a node and evicts its pods, which come back elsewhere', async () => {
    const drain = await kubectl(['drain', 'sim-worker-1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s']);
    expect(drain.stderr, drain.stderr).toContain('ignoring DaemonSet-managed Pods');
    expect(drain.code).toBe(0);
    expect(drain.stdout).toContain('node/sim-worker-1 drained');
    expect(sim.store.get('nodes', undefined, 'sim-worker-1')?.spec?.unschedulable).toBe(true);
    const left = sim.store.list('pods', { fieldSelector: 'spec.nodeName=sim-worker-1' }).items;
    expect(left.every((p) => p.metadata?.ownerReferences?.[0]?.kind === 'DaemonSet')).toBe(true);
    await eventually(() => runningPods('shop', 'frontend').length, (n) => n === 3);
    expect(runningPods('shop', 'frontend').every((p) => p.spec.nodeName !== 'sim-worker-1')).toBe(true);
    expect((await kubectl(['uncordon', 'sim-worker-1'])).code).toBe(0);
  });
});
