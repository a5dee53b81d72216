// How an object is shown as YAML: managedFields dropped (noise for people), and a Secret's values
// masked until the user asks to reveal them.
import { stringify } from 'yaml';
import type { KubeObject } from '#/api/kube';

export const MASK = '••••••••';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function displayObject(obj: KubeObject, options: { revealSecrets?: boolean } = {}): KubeObject {
  const { managedFields: _drop, ...metadata } = obj.metadata;
  const copy: KubeObject = { ...obj, metadata };
  if (obj.kind === 'Secret' && !options.revealSecrets) {
    for (const key of ['data', 'stringData'] as const) {
      const values = obj[key];
      if (values && typeof values === 'object') {
        copy[key] = Object.fromEntries(Object.keys(values).map((k) => [k, MASK]));
      }
    }
    // `kubectl apply` keeps the whole applied Secret, its data included, in this annotation
    if (metadata.annotations?.[LAST_APPLIED] !== undefined) {
      metadata.annotations = { ...metadata.annotations, [LAST_APPLIED]: MASK };
    }
  }
  return copy;
}

export function objectYaml(obj: KubeObject, options: { revealSecrets?: boolean } = {}): string {
  return stringify(displayObject(obj, options), { lineWidth: 0 });
}

// Server-set or server-owned fields: sending them back through apply would either fail or make
// the console claim fields it never meant to manage.
const SERVER_METADATA = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/** The YAML a user edits and applies: the object without status and server-set metadata. */
export function editableYaml(obj: KubeObject): string {
  const metadata: Record<string, unknown> = { ...obj.metadata };
  for (const key of SERVER_METADATA) delete metadata[key];
  if (obj.metadata.annotations?.[LAST_APPLIED]) {
    const { [LAST_APPLIED]: _drop, ...rest } = obj.metadata.annotations;
    if (Object.keys(rest).length) metadata.annotations = rest;
    else delete metadata.annotations;
  }
  const { status: _status, ...rest } = obj;
  return stringify({ ...rest, metadata }, { lineWidth: 0 });
}
