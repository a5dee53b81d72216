// The JSONPath subset CRD additionalPrinterColumns use: `.spec.replicas`, `.items[0]`, `.a[*].b`,
// `.status.conditions[?(@.type=="Ready")].status`.

type Step = { field: string } | { index: number } | { all: true } | { filter: { path: string[]; value: string } };

function parse(path: string): Step[] {
  const steps: Step[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\[\*\]|\[\?\(@\.([^=!<>]+?)\s*==\s*["']?([^"')]*)["']?\)\]/g;
  let m: RegExpExecArray | null;
  const text = path.trim().replace(/^\{|\}$/g, '');
  while ((m = re.exec(text))) {
    if (m[1] !== undefined) steps.push({ field: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ filter: { path: m[3].split('.'), value: m[4] ?? '' } });
    else steps.push({ all: true });
  }
  return steps;
}

export function evaluateJsonPath(obj: unknown, path: string): unknown[] {
  let current: unknown[] = [obj];
  for (const step of parse(path)) {
    const next: unknown[] = [];
    for (const v of current) {
      if ('field' in step) {
        if (v && typeof v === 'object' && !Array.isArray(v) && step.field in v) next.push((v as Record<string, unknown>)[step.field]);
      } else if ('index' in step) {
        if (Array.isArray(v) && step.index < v.length) next.push(v[step.index]);
      } else if ('all' in step) {
        if (Array.isArray(v)) next.push(...v);
      } else if (Array.isArray(v)) {
        for (const item of v) {
          let cur: unknown = item;
          for (const p of step.filter.path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
          if (cur !== undefined && String(cur) === step.filter.value) next.push(item);
        }
      }
    }
    current = next;
  }
  return current.filter((v) => v !== undefined);
}
