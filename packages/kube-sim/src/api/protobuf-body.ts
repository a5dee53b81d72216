// kubectl 1.32+ sends its typed-client writes (`kubectl create configmap|secret|namespace|
// serviceaccount|deployment|job|cronjob|service`, `kubectl run`, the Eviction of `kubectl drain`)
// as Kubernetes protobuf, with no JSON fallback. kube-sim keeps no complete protobuf schemas; this
// decodes the envelope and the fields those commands set into JSON objects (other fields are
// skipped). Other kinds get a 415 that says what to do instead.
import { StatusError } from '../errors/status-error.js';
import type { K8sObject } from '../store/k8s-object.js';

// 'int' drops zero (a plain Go int), 'int?' keeps it (a pointer: present means set); 'bool' drops false likewise.
type FieldType = 'string' | 'bytes' | 'int' | 'int?' | 'bool' | 'bool?' | 'map' | 'bytesMap' | 'quantityMap' | 'Time' | 'IntOrString' | string;
type Schema = Record<number, [name: string, type: FieldType, repeated?: true]>;

/** Field numbers from the Kubernetes API's generated.proto (k8s.io/api, k8s.io/apimachinery). */
const messages: Record<string, Schema> = {
  ObjectMeta: {
    1: ['name', 'string'], 2: ['generateName', 'string'], 3: ['namespace', 'string'], 5: ['uid', 'string'],
    6: ['resourceVersion', 'string'], 8: ['creationTimestamp', 'Time'], 9: ['deletionTimestamp', 'Time'],
    10: ['deletionGracePeriodSeconds', 'int'], 11: ['labels', 'map'], 12: ['annotations', 'map'],
    13: ['ownerReferences', 'OwnerReference', true], 14: ['finalizers', 'string', true],
  },
  OwnerReference: {
    1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'],
    6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool'],
  },
  ConfigMap: { 1: ['metadata', 'ObjectMeta'], 2: ['data', 'map'], 3: ['binaryData', 'bytesMap'], 4: ['immutable', 'bool'] },
  Secret: { 1: ['metadata', 'ObjectMeta'], 2: ['data', 'bytesMap'], 3: ['type', 'string'], 4: ['stringData', 'map'], 5: ['immutable', 'bool'] },
  Namespace: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'NamespaceSpec'] },
  NamespaceSpec: { 1: ['finalizers', 'string', true] },
  ServiceAccount: {
    1: ['metadata', 'ObjectMeta'], 2: ['secrets', 'ObjectReference', true],
    3: ['imagePullSecrets', 'LocalObjectReference', true], 4: ['automountServiceAccountToken', 'bool'],
  },
  ObjectReference: {
    1: ['kind', 'string'], 2: ['namespace', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'],
    5: ['apiVersion', 'string'], 6: ['resourceVersion', 'string'], 7: ['fieldPath', 'string'],
  },
  LocalObjectReference: { 1: ['name', 'string'] },
  Eviction: { 1: ['metadata', 'ObjectMeta'], 2: ['deleteOptions', 'DeleteOptions'] },
  DeleteOptions: {
    1: ['gracePeriodSeconds', 'int'], 2: ['preconditions', 'Preconditions'], 3: ['orphanDependents', 'bool'],
    4: ['propagationPolicy', 'string'], 5: ['dryRun', 'string', true],
  },
  Preconditions: { 1: ['uid', 'string'], 2: ['resourceVersion', 'string'] },
  Deployment: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'DeploymentSpec'] },
  DeploymentSpec: {
    1: ['replicas', 'int?'], 2: ['selector', 'LabelSelector'], 3: ['template', 'PodTemplateSpec'], 4: ['strategy', 'DeploymentStrategy'],
    5: ['minReadySeconds', 'int'], 6: ['revisionHistoryLimit', 'int?'], 7: ['paused', 'bool'], 9: ['progressDeadlineSeconds', 'int?'],
  },
  DeploymentStrategy: { 1: ['type', 'string'] },
  LabelSelector: { 1: ['matchLabels', 'map'], 2: ['matchExpressions', 'LabelSelectorRequirement', true] },
  LabelSelectorRequirement: { 1: ['key', 'string'], 2: ['operator', 'string'], 3: ['values', 'string', true] },
  PodTemplateSpec: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'PodSpec'] },
  Pod: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'PodSpec'] },
  PodSpec: {
    2: ['containers', 'Container', true], 3: ['restartPolicy', 'string'], 4: ['terminationGracePeriodSeconds', 'int?'],
    6: ['dnsPolicy', 'string'], 7: ['nodeSelector', 'map'], 8: ['serviceAccountName', 'string'], 10: ['nodeName', 'string'],
    15: ['imagePullSecrets', 'LocalObjectReference', true], 19: ['schedulerName', 'string'], 20: ['initContainers', 'Container', true],
    21: ['automountServiceAccountToken', 'bool?'], 24: ['priorityClassName', 'string'],
  },
  Container: {
    1: ['name', 'string'], 2: ['image', 'string'], 3: ['command', 'string', true], 4: ['args', 'string', true], 5: ['workingDir', 'string'],
    6: ['ports', 'ContainerPort', true], 7: ['env', 'EnvVar', true], 8: ['resources', 'ResourceRequirements'],
    13: ['terminationMessagePath', 'string'], 14: ['imagePullPolicy', 'string'], 16: ['stdin', 'bool'], 17: ['stdinOnce', 'bool'],
    18: ['tty', 'bool'], 20: ['terminationMessagePolicy', 'string'],
  },
  ContainerPort: { 1: ['name', 'string'], 2: ['hostPort', 'int'], 3: ['containerPort', 'int'], 4: ['protocol', 'string'], 5: ['hostIP', 'string'] },
  EnvVar: { 1: ['name', 'string'], 2: ['value', 'string'] },
  ResourceRequirements: { 1: ['limits', 'quantityMap'], 2: ['requests', 'quantityMap'] },
  QuantityMapEntry: { 1: ['key', 'string'], 2: ['value', 'Quantity'] },
  Quantity: { 1: ['string', 'string'] },
  Job: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'JobSpec'] },
  JobSpec: {
    1: ['parallelism', 'int?'], 2: ['completions', 'int?'], 3: ['activeDeadlineSeconds', 'int?'], 4: ['selector', 'LabelSelector'],
    5: ['manualSelector', 'bool?'], 6: ['template', 'PodTemplateSpec'], 7: ['backoffLimit', 'int?'], 8: ['ttlSecondsAfterFinished', 'int?'],
    9: ['completionMode', 'string'], 10: ['suspend', 'bool?'],
  },
  CronJob: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'CronJobSpec'] },
  CronJobSpec: {
    1: ['schedule', 'string'], 2: ['startingDeadlineSeconds', 'int?'], 3: ['concurrencyPolicy', 'string'], 4: ['suspend', 'bool?'],
    5: ['jobTemplate', 'JobTemplateSpec'], 6: ['successfulJobsHistoryLimit', 'int?'], 7: ['failedJobsHistoryLimit', 'int?'], 8: ['timeZone', 'string'],
  },
  JobTemplateSpec: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'JobSpec'] },
  Service: { 1: ['metadata', 'ObjectMeta'], 2: ['spec', 'ServiceSpec'] },
  ServiceSpec: {
    1: ['ports', 'ServicePort', true], 2: ['selector', 'map'], 3: ['clusterIP', 'string'], 4: ['type', 'string'],
    5: ['externalIPs', 'string', true], 7: ['sessionAffinity', 'string'], 10: ['externalName', 'string'],
  },
  ServicePort: { 1: ['name', 'string'], 2: ['protocol', 'string'], 3: ['port', 'int'], 4: ['targetPort', 'IntOrString'], 5: ['nodePort', 'int'] },
  IntOrString: { 1: ['type', 'int'], 2: ['intVal', 'int'], 3: ['strVal', 'string'] },
  Time: { 1: ['seconds', 'int'], 2: ['nanos', 'int'] },
  MapEntry: { 1: ['key', 'string'], 2: ['value', 'string'] },
  BytesMapEntry: { 1: ['key', 'string'], 2: ['value', 'bytes'] },
  TypeMeta: { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] },
  Unknown: { 1: ['typeMeta', 'TypeMeta'], 2: ['raw', 'bytes'], 3: ['contentEncoding', 'string'], 4: ['contentType', 'string'] },
};

const supportedKinds: Record<string, string> = {
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/Namespace': 'Namespace',
  'v1/ServiceAccount': 'ServiceAccount',
  'policy/v1/Eviction': 'Eviction',
  'v1/Pod': 'Pod',
  'v1/Service': 'Service',
  'apps/v1/Deployment': 'Deployment',
  'batch/v1/Job': 'Job',
  'batch/v1/CronJob': 'CronJob',
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++] as number;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  }

  bytes(): Buffer {
    const len = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

function decodeMessage(buf: Buffer, type: string): Record<string, unknown> {
  const schema = messages[type] ?? {};
  const out: Record<string, unknown> = {};
  const r = new Reader(buf);
  while (r.pos < buf.length) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    const spec = schema[field];
    if (!spec) {
      r.skip(wireType);
      continue;
    }
    const [name, fieldType, repeated] = spec;
    let value: unknown;
    if (fieldType === 'int' || fieldType === 'int?') {
      const n = r.varint();
      value = fieldType === 'int' && n === 0 ? undefined : n;
    } else if (fieldType === 'bool' || fieldType === 'bool?') {
      const b = r.varint() !== 0;
      value = fieldType === 'bool' && !b ? undefined : b;
    } else {
      const bytes = r.bytes();
      if (fieldType === 'string') value = bytes.toString('utf8');
      else if (fieldType === 'bytes') value = Buffer.from(bytes);
      else if (fieldType === 'map' || fieldType === 'bytesMap') {
        const entry = decodeMessage(bytes, fieldType === 'map' ? 'MapEntry' : 'BytesMapEntry');
        const map = (out[name] ??= {}) as Record<string, unknown>;
        const v = entry.value;
        map[String(entry.key ?? '')] = Buffer.isBuffer(v) ? v.toString('base64') : (v ?? '');
        continue;
      } else if (fieldType === 'quantityMap') {
        const entry = decodeMessage(bytes, 'QuantityMapEntry');
        const map = (out[name] ??= {}) as Record<string, unknown>;
        map[String(entry.key ?? '')] = (entry.value as { string?: string } | undefined)?.string ?? '0';
        continue;
      } else if (fieldType === 'IntOrString') {
        const v = decodeMessage(bytes, 'IntOrString');
        value = v.type === 1 ? (v.strVal ?? '') : (v.intVal ?? 0);
      } else if (fieldType === 'Time') {
        const t = decodeMessage(bytes, 'Time');
        value = typeof t.seconds === 'number' && t.seconds > 0 ? new Date(t.seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
      } else value = decodeMessage(bytes, fieldType);
    }
    if (value === undefined || value === '') continue;
    if (repeated) ((out[name] ??= []) as unknown[]).push(value);
    else out[name] = value;
  }
  return out;
}

export function decodeProtobufObject(body: Buffer): K8sObject {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new StatusError(400, 'BadRequest', 'protobuf body without the k8s envelope');
  let envelope: Record<string, unknown>;
  try {
    envelope = decodeMessage(body.subarray(4), 'Unknown');
  } catch (err) {
    throw new StatusError(400, 'BadRequest', `malformed protobuf body: ${(err as Error).message}`);
  }
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const key = `${typeMeta.apiVersion}/${typeMeta.kind}`;
  const message = supportedKinds[key];
  if (!message || !Buffer.isBuffer(envelope.raw)) {
    throw new StatusError(415, 'UnsupportedMediaType', `kube-sim decodes protobuf bodies only for ${Object.keys(supportedKinds).join(', ')} (got ${key}); kubectl 1.32+ sends protobuf from its \`create <kind>\` generators: use \`kubectl create -f\`/\`kubectl apply\` (JSON) instead`);
  }
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...decodeMessage(envelope.raw, message) };
}
