// Adapts the core ObjectStore to the runtime's RuntimeStore: controller writes replace whole
// objects without resourceVersion preconditions, deletes of missing objects are no-ops.
import type { ObjectStore } from '../store/object-store.js';
import { storageKey } from '../resources/resource-def.js';
import { StatusError } from '../errors/status-error.js';
import type { RuntimeStore } from './runtime-store.js';

export function adaptStore(store: ObjectStore): RuntimeStore {
  return {
    get: (resource, namespace, name) => store.get(resource, namespace, name),
    list: (resource, namespace) => store.list(resource, namespace ? { namespace } : {}).items,
    create: (resource, obj) => store.create(resource, obj),
    update: (resource, obj) => store.update(resource, { ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } }),
    remove: (resource, namespace, name) => {
      try {
        store.delete(resource, namespace, name);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    },
    onChange: (listener) => store.onChange((e) => listener(e.type, storageKey(e.resource), e.object, e.oldObject)),
  };
}
