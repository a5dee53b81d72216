// Small facts about objects that several controllers ask: who owns it, is the pod ready, what
// is its template's hash.
import type { K8sObject, OwnerReference } from '../store/k8s-object.js';
import { hashSeed } from './log-lines.js';

export const nsOf = (o: K8sObject): string => o.metadata?.namespace ?? '';
export const nameOf = (o: K8sObject): string => o.metadata?.name ?? '';
export const uidOf = (o: K8sObject): string => o.metadata?.uid ?? '';

export function controllerOf(o: K8sObject): OwnerReference | undefined {
  return o.metadata?.ownerReferences?.find((r) => r.controller);
}

export function ownerRef(owner: K8sObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: nameOf(owner), uid: uidOf(owner), controller: true, blockOwnerDeletion: true };
}

export const isOwnedBy = (o: K8sObject, owner: K8sObject): boolean => controllerOf(o)?.uid === uidOf(owner);

export function isPodReady(pod: K8sObject): boolean {
  return pod.status?.phase === 'Running' && (pod.status?.conditions ?? []).some((c: K8sObject) => c.type === 'Ready' && c.status === 'True');
}

export const isPodTerminating = (pod: K8sObject): boolean => Boolean(pod.metadata?.deletionTimestamp);

export const isPodFinished = (pod: K8sObject): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export const nowIso = (ms = Date.now()): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// The alphabet Kubernetes uses for generated name suffixes (no vowels, no ambiguous characters).
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMS[Math.floor(Math.random() * ALPHANUMS.length)];
  return out;
}

/**
 * A stable hash of a pod template, spelled like pod-template-hash values (e.g. 7d9c8b5f4).
 * Nulls and empty objects do not count: `kubectl rollout undo` sends back a template with
 * `creationTimestamp: null` that is the same template.
 */
export function templateHash(template: unknown): string {
  let h = hashSeed(stableJson(withoutEmpty(template)));
  let out = '';
  while (out.length < 10) {
    out += ALPHANUMS[h % ALPHANUMS.length];
    h = Math.floor(h / ALPHANUMS.length) || hashSeed(out);
  }
  return out;
}

export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Resolves an int-or-percent (maxSurge, maxUnavailable) against a total. */
export function intOrPercent(value: unknown, total: number, roundUp: boolean, fallback: string): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v));
  if (!m) return Number(v) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** CPU quantity in millicores, memory in bytes. */
export function parseQuantity(q: unknown): number {
  if (q === undefined || q === null) return 0;
  const s = String(q);
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(s);
  if (!m) return 0;
  const n = Number(m[1]);
  const units: Record<string, number> = {
    '': 1, m: 1e-3, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
  };
  return n * (units[m[2] ?? ''] ?? 1);
}

function withoutEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutEmpty);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const y = withoutEmpty(x);
      if (y === null || y === undefined) continue;
      if (typeof y === 'object' && !Array.isArray(y) && Object.keys(y).length === 0) continue;
      out[k] = y;
    }
    return out;
  }
  return v;
}
