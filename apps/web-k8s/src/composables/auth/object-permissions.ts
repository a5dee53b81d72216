// May the user edit, delete, scale or restart this object? One batch check per object shown;
// nothing is offered until it has answered (and again while another object's answer is pending).
import { reactive, watch, type Ref } from 'vue';
import type { PermissionCheck } from '@k8s-console/contracts';
import { usePermissionsStore } from '#/stores/permissions';

export interface ObjectTarget {
  cluster: string;
  group: string;
  resource: string;
  namespace?: string;
  name: string;
}

export function useObjectPermissions(target: Ref<ObjectTarget>) {
  const permissions = usePermissionsStore();
  const none = { edit: false, delete: false, scale: false, restart: false, exec: false, logs: false };
  const allowed = reactive({ ...none });

  watch(
    target,
    async (t) => {
      Object.assign(allowed, none);
      const base = { group: t.group, ...(t.namespace ? { namespace: t.namespace } : {}), name: t.name };
      const checks: PermissionCheck[] = [
        { verb: 'patch', resource: t.resource, ...base },
        { verb: 'delete', resource: t.resource, ...base },
        { verb: 'patch', resource: `${t.resource}/scale`, ...base },
        { verb: 'create', resource: 'pods/exec', ...base, group: '' },
        { verb: 'get', resource: 'pods/log', ...base, group: '' },
      ];
      const [edit, del, scale, exec, logs] = await permissions.check(t.cluster, checks);
      if (target.value !== t) return;
      Object.assign(allowed, { edit, delete: del, scale, restart: edit, exec, logs });
    },
    { immediate: true },
  );
  return allowed;
}
