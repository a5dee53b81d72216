// pods/{name}/exec upgrade: checks the pod and container like the apiserver and kubelet, builds
// the container's environment and file tree, and hands the WebSocket to the exec server.
// Failures before the upgrade are answered on the raw socket as an HTTP Status response.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { K8sObject } from '../store/k8s-object.js';
import { badRequest, StatusError } from '../errors/status-error.js';
import { nameOf, nsOf, uidOf } from './object-helpers.js';
import { ExecRequestError, parseExecQuery, type ExecServer } from './exec-protocol.js';
import { containerStatus, resolveContainer } from './pod-containers.js';
import type { ContainerFiles } from './shell/file-tree.js';
import { handleSpdyExec, isSpdyUpgrade } from './spdy/spdy-exec.js';
import { R, type RuntimeStore } from './runtime-store.js';

export function writeSocketStatus(socket: Duplex, err: StatusError): void {
  const body = JSON.stringify(err.toStatus());
  const text = { 400: 'Bad Request', 404: 'Not Found', 403: 'Forbidden', 500: 'Internal Server Error' }[err.code] ?? 'Error';
  socket.end(`HTTP/1.1 ${err.code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The environment a process in the container sees: the container's env resolved, plus the usual. */
export function containerEnv(store: RuntimeStore, pod: K8sObject, container: K8sObject): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: nameOf(pod),
    HOME: '/root',
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
  };
  const ns = nsOf(pod);
  for (const from of (container.envFrom ?? []) as K8sObject[]) {
    const cm = from.configMapRef ? store.get(R.configMaps, ns, from.configMapRef.name) : undefined;
    const sec = from.secretRef ? store.get(R.secrets, ns, from.secretRef.name) : undefined;
    for (const [k, v] of Object.entries((cm?.data ?? {}) as Record<string, string>)) env[`${from.prefix ?? ''}${k}`] = v;
    for (const [k, v] of Object.entries((sec?.data ?? {}) as Record<string, string>)) env[`${from.prefix ?? ''}${k}`] = Buffer.from(v, 'base64').toString('utf8');
  }
  for (const e of (container.env ?? []) as K8sObject[]) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    const ref = e.valueFrom;
    if (!ref) continue;
    if (ref.fieldRef) {
      const path = String(ref.fieldRef.fieldPath);
      const v = path === 'metadata.name' ? nameOf(pod) : path === 'metadata.namespace' ? ns : path === 'status.podIP' ? pod.status?.podIP
        : path === 'spec.nodeName' ? pod.spec?.nodeName : path === 'status.hostIP' ? pod.status?.hostIP : undefined;
      if (v !== undefined) env[e.name] = String(v);
    } else if (ref.configMapKeyRef) {
      const v = store.get(R.configMaps, ns, ref.configMapKeyRef.name)?.data?.[ref.configMapKeyRef.key];
      if (v !== undefined) env[e.name] = String(v);
    } else if (ref.secretKeyRef) {
      const v = store.get(R.secrets, ns, ref.secretKeyRef.name)?.data?.[ref.secretKeyRef.key];
      if (v !== undefined) env[e.name] = Buffer.from(String(v), 'base64').toString('utf8');
    }
  }
  return env;
}

export function handlePodExec(
  exec: ExecServer, files: ContainerFiles, store: RuntimeStore, req: IncomingMessage, socket: Duplex, head: Buffer, namespace: string, name: string, query: URLSearchParams,
): void {
  try {
    const spdy = isSpdyUpgrade(req);
    if (!spdy && (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      throw badRequest('exec needs a WebSocket (v5.channel.k8s.io, v4.channel.k8s.io) or SPDY/3.1 upgrade');
    }
    let opts;
    try {
      opts = parseExecQuery(query);
    } catch (e) {
      if (e instanceof ExecRequestError) throw badRequest(e.message);
      throw e;
    }
    const pod = store.get(R.pods, namespace, name);
    if (!pod) throw new StatusError(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
    const container = resolveContainer(pod, opts.container);
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
    if (!pod.spec?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    if (!containerStatus(pod, container.name)?.state?.running) throw badRequest(`unable to upgrade connection: container not found ("${container.name}")`);
    const identity = { podName: name, namespace, podIP: pod.status?.podIP ?? '', containerName: container.name, image: String(container.image ?? '') };
    const tree = files.treeFor(uidOf(pod), containerStatus(pod, container.name)?.restartCount ?? 0, identity);
    const execTarget = { namespace, pod: name, tree, env: containerEnv(store, pod, container) };
    const execOpts = { ...opts, container: container.name };
    if (spdy) handleSpdyExec(req, socket, head, execTarget, execOpts, (r) => exec.remember(r));
    else exec.handleUpgrade(req, socket, head, execTarget, execOpts);
  } catch (e) {
    writeSocketStatus(socket, e instanceof StatusError ? e : new StatusError(500, 'InternalError', (e as Error).message));
  }
}
