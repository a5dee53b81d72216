// Conversion between a built-in resource's stored version and the other versions it is served in,
// as the apiserver converts: HorizontalPodAutoscalers are stored as autoscaling/v2 and also served
// as autoscaling/v1 (what `kubectl autoscale` writes). CRD versions are served without conversion.
import type { K8sObject } from '../store/k8s-object.js';
import { cloneJson } from '../store/json-values.js';
import { storageKey, type ResourceDef } from './resource-def.js';

export interface VersionConverter {
  /** the stored object as this version shows it */
  fromStorage(obj: K8sObject): K8sObject;
  /** an object of this version as it is stored; `live` keeps what this version cannot express */
  toStorage(obj: K8sObject, live?: K8sObject): K8sObject;
}

type Metric = { type?: string; resource?: { name?: string; target?: { averageUtilization?: number }; current?: { averageUtilization?: number } } };
const isCpu = (m: Metric): boolean => m.type === 'Resource' && m.resource?.name === 'cpu';

const hpaV1: VersionConverter = {
  fromStorage(obj) {
    const { spec = {}, status, ...rest } = cloneJson(obj);
    const target = ((spec.metrics ?? []) as Metric[]).find(isCpu)?.resource?.target?.averageUtilization;
    const out: K8sObject = {
      ...rest,
      apiVersion: 'autoscaling/v1',
      spec: {
        scaleTargetRef: spec.scaleTargetRef,
        ...(spec.minReplicas !== undefined ? { minReplicas: spec.minReplicas } : {}),
        maxReplicas: spec.maxReplicas,
        ...(target !== undefined ? { targetCPUUtilizationPercentage: target } : {}),
      },
    };
    if (status) {
      const current = ((status.currentMetrics ?? []) as Metric[]).find(isCpu)?.resource?.current?.averageUtilization;
      const { currentMetrics: _c, conditions: _k, ...kept } = status;
      out.status = { ...kept, ...(current !== undefined ? { currentCPUUtilizationPercentage: current } : {}) };
    }
    return out;
  },
  toStorage(obj, live) {
    const { spec = {}, status, ...rest } = cloneJson(obj);
    const { targetCPUUtilizationPercentage: target, ...specRest } = spec;
    const otherMetrics = ((live?.spec?.metrics ?? []) as Metric[]).filter((m) => !isCpu(m));
    const metrics = [
      ...(target !== undefined ? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }] : []),
      ...otherMetrics,
    ];
    const out: K8sObject = { ...rest, apiVersion: 'autoscaling/v2', spec: { ...specRest, ...(metrics.length ? { metrics } : {}) } };
    if (status) {
      const { currentCPUUtilizationPercentage: current, ...statusRest } = status;
      out.status = {
        ...live?.status,
        ...statusRest,
        ...(current !== undefined ? { currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }] } : {}),
      };
    }
    return out;
  },
};

const converters: Record<string, VersionConverter> = {
  'horizontalpodautoscalers.autoscaling/v1': hpaV1,
};

/** The converter for serving `def` in `version`, when that is not its stored version and needs one. */
export function converterFor(def: ResourceDef, version: string): VersionConverter | undefined {
  if (version === def.version) return undefined;
  return converters[`${storageKey(def)}/${version}`];
}
