// The form state maps to the shared spec and back, field errors are keyed by path, and the YAML
// of step 2 holds the generated objects.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { formErrors, formFromSpec, manifestsYaml, newAppForm, specFromForm } from './app-deploy-form';

describe('app-deploy form', () => {
  it('turns a filled form into a valid spec and back', () => {
    const f = newAppForm('shop');
    Object.assign(f, { name: 'web', image: 'nginx:1.27', replicas: 2 });
    f.labels.push({ key: 'team', value: 'checkout' }, { key: ' ', value: 'ignored' });
    f.env.push({ name: 'DB_PASSWORD', source: 'secretKeyRef', refName: 'db', refKey: 'password' });
    f.ingress = { ...f.ingress, enabled: true, host: 'web.example.com', annotations: [{ key: 'example.com/a', value: '1' }] };
    f.readinessProbe = { ...f.readinessProbe, type: 'exec', command: 'cat  /tmp/ready' };
    const spec = specFromForm(f);
    expect(formErrors(f).size).toBe(0);
    expect(spec).toMatchObject({
      labels: { team: 'checkout' },
      ingress: { enabled: true, host: 'web.example.com', annotations: { 'example.com/a': '1' } },
      readinessProbe: { type: 'exec', command: ['cat', '/tmp/ready'] },
      autoscaling: { enabled: false },
    });
    expect(specFromForm(formFromSpec(spec))).toEqual(spec);
  });

  it('names each wrong or empty field', () => {
    const f = newAppForm('shop');
    Object.assign(f, { name: 'Web', image: '', containerPort: null });
    f.autoscaling = { ...f.autoscaling, enabled: true, minReplicas: 3, maxReplicas: 2 };
    const errors = formErrors(f);
    expect([...errors.keys()]).toEqual(['name', 'image', 'containerPort', 'autoscaling.maxReplicas']);
  });

  it('renders the generated objects as YAML documents', () => {
    const f = newAppForm('shop');
    Object.assign(f, { name: 'web', image: 'nginx' });
    const docs = parseAllDocuments(manifestsYaml(specFromForm(f)));
    expect((Array.isArray(docs) ? docs : [docs]).map((d) => d.toJS().kind)).toEqual(['Deployment', 'Service']);
  });
});
