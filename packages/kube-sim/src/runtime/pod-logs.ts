// GET pods/{name}/log: validates the query like the apiserver, picks the container instance
// (current, or the previous one with previous=true) from the pod's status, and streams it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { K8sObject } from '../store/k8s-object.js';
import { badRequest } from '../errors/status-error.js';
import { nameOf, uidOf } from './object-helpers.js';
import { streamContainerLog, type ContainerLog, type LogOptions } from './log-stream.js';
import { styleForImage } from './log-lines.js';
import { containerStatus, resolveContainer } from './pod-containers.js';
import { LOG_RATE, BEHAVIOR } from './sim-annotations.js';

export interface PodLogSettings {
  linesPerSecond: number;
  retainLines: number;
}

function intParam(q: URLSearchParams, name: string, min: number): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw badRequest(`${name}: Invalid value: "${raw}": must be an integer`);
  if (n < min) throw badRequest(`${name}: Invalid value: ${n}: must be ${min === 0 ? 'greater than or equal to 0' : 'greater than 0'}`);
  return n;
}

const bool = (q: URLSearchParams, name: string) => ['true', '1'].includes((q.get(name) ?? '').toLowerCase());

export function parseLogOptions(q: URLSearchParams): LogOptions & { previous: boolean; container: string | null } {
  const sinceSeconds = intParam(q, 'sinceSeconds', 1);
  const sinceTimeRaw = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTimeRaw) throw badRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  let sinceTime: number | undefined;
  if (sinceTimeRaw) {
    sinceTime = Date.parse(sinceTimeRaw);
    if (Number.isNaN(sinceTime)) throw badRequest(`sinceTime: Invalid value: "${sinceTimeRaw}": must be an RFC3339 time`);
  }
  return {
    container: q.get('container'),
    follow: bool(q, 'follow'),
    previous: bool(q, 'previous'),
    timestamps: bool(q, 'timestamps'),
    tailLines: intParam(q, 'tailLines', 0),
    limitBytes: intParam(q, 'limitBytes', 1),
    sinceSeconds,
    sinceTime,
  };
}

/** The log of one container instance as the pod's status describes it, or a BadRequest. */
export function containerLogFor(pod: K8sObject, containerName: string, previous: boolean, settings: PodLogSettings): ContainerLog {
  const c = resolveContainer(pod, containerName);
  const status = containerStatus(pod, c.name);
  const rateAnnotation = Number(pod.metadata?.annotations?.[LOG_RATE]);
  const linesPerSecond = Number.isFinite(rateAnnotation) && rateAnnotation > 0 ? rateAnnotation : settings.linesPerSecond;
  const base = { style: styleForImage(String(c.image ?? '')), linesPerSecond, retainLines: settings.retainLines };
  const restarts = status?.restartCount ?? 0;
  const crashing = pod.metadata?.annotations?.[BEHAVIOR] === 'crash-loop';
  const last = status?.lastState?.terminated;
  if (previous) {
    if (!last) throw badRequest(`previous terminated container "${c.name}" in pod "${nameOf(pod)}" not found`);
    return { ...base, seed: `${uidOf(pod)}/${c.name}/${restarts - 1}`, startedAt: Date.parse(last.startedAt), endedAt: Date.parse(last.finishedAt), crashing: last.exitCode !== 0 || crashing };
  }
  const state = status?.state ?? {};
  if (state.running) return { ...base, seed: `${uidOf(pod)}/${c.name}/${restarts}`, startedAt: Date.parse(state.running.startedAt) };
  if (state.terminated) {
    return { ...base, seed: `${uidOf(pod)}/${c.name}/${restarts}`, startedAt: Date.parse(state.terminated.startedAt), endedAt: Date.parse(state.terminated.finishedAt), crashing: state.terminated.exitCode !== 0 };
  }
  // waiting after a crash: the kubelet serves the last terminated instance
  if (last) return { ...base, seed: `${uidOf(pod)}/${c.name}/${restarts - 1}`, startedAt: Date.parse(last.startedAt), endedAt: Date.parse(last.finishedAt), crashing: last.exitCode !== 0 || crashing };
  const reason = state.waiting?.reason ?? 'ContainerCreating';
  throw badRequest(`container "${c.name}" in pod "${nameOf(pod)}" is waiting to start: ${reason}`);
}

/**
 * Serves the log. Validation failures throw a StatusError before anything is written, so the
 * caller answers them as a Status; once streaming, the response is ended by this function.
 */
export async function servePodLog(
  _req: IncomingMessage, res: ServerResponse, pod: K8sObject, query: URLSearchParams, settings: PodLogSettings,
  currentPod: () => K8sObject | undefined, onStop?: (close: () => void) => () => void,
): Promise<void> {
  const opts = parseLogOptions(query);
  const containerName: string = resolveContainer(pod, opts.container).name;
  const log = containerLogFor(pod, containerName, opts.previous, settings);
  const seed = log.seed;
  // the followed instance is over when the pod is gone or the container restarted or stopped
  const isOver = (): boolean | { endedAt: number; crashing: boolean } => {
    const now = currentPod();
    if (!now || uidOf(now) !== uidOf(pod)) return true;
    const st = containerStatus(now, containerName);
    if (`${uidOf(now)}/${containerName}/${st?.restartCount ?? 0}` === seed && st?.state?.running) return false;
    // it ended: the current state (same instance) or the last state (it restarted) says when
    const ended = st?.state?.terminated ?? st?.lastState?.terminated;
    if (!ended?.finishedAt) return true;
    return { endedAt: Date.parse(ended.finishedAt), crashing: ended.exitCode !== 0 };
  };
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  if (opts.follow) res.flushHeaders();
  await streamContainerLog(res, log, opts, { isOver, onStop });
}
