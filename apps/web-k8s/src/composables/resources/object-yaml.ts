// How an object is shown as YAML: managedFields dropped (noise for people), and a Secret's values
// masked until the user asks to reveal them.
import { stringify } from 'yaml';
import type { KubeObject } from '#/api/kube';

export const MASK = '••••••••';

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
  }
  return copy;
}

export function objectYaml(obj: KubeObject, options: { revealSecrets?: boolean } = {}): string {
  return stringify(displayObject(obj, options), { lineWidth: 0 });
}
