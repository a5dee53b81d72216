import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { ApiError } from '#/api/client';
import { formFieldOf, useClusterForm } from './cluster-form';

const messages = {
  nameRequired: 'name required',
  nameRule: 'name rule',
  kubeconfigRequired: 'kubeconfig required',
  yamlError: (m: string, line?: number) => `yaml ${line ?? '-'}: ${m}`,
};

const kubeconfig = `
current-context: b
clusters: [{ name: Prod_Cluster, cluster: { server: https://a } }, { name: other, cluster: { server: https://b } }]
contexts: [{ name: a, context: { cluster: Prod_Cluster, user: u } }, { name: b, context: { cluster: other, user: u } }]
`;

describe('cluster form', () => {
  it('maps the API field path to the form field', () => {
    expect(formFieldOf('/kubeconfig')).toBe('kubeconfig');
    expect(formFieldOf('body.context')).toBe('context');
    expect(formFieldOf('name')).toBe('name');
    expect(formFieldOf('$.kubeconfig.users[0]')).toBe('kubeconfig');
    expect(formFieldOf('/other')).toBeNull();
    expect(formFieldOf(undefined)).toBeNull();
  });

  it('preselects the current context, offers a picker and suggests a name', async () => {
    const form = useClusterForm(messages);
    form.reset(null);
    form.values.kubeconfig = kubeconfig;
    await nextTick();
    expect(form.needsContextPicker.value).toBe(true);
    expect(form.values.context).toBe('b');
    expect(form.values.name).toBe('other');
    expect(form.createInput()).toEqual({ name: 'other', kubeconfig, context: 'b' });
  });

  it('validates locally before calling the server', async () => {
    const form = useClusterForm(messages);
    form.reset(null);
    form.values.name = 'Bad Name';
    expect(form.validate()).toBe(false);
    expect(form.errors).toEqual({ name: 'name rule', kubeconfig: 'kubeconfig required' });
    form.values.name = 'ok';
    form.values.kubeconfig = 'a:\n  - b\n c: d';
    await nextTick();
    expect(form.validate()).toBe(false);
    expect(form.errors.kubeconfig).toMatch(/^yaml \d+: /);
  });

  it('puts a server error at its field, or as a general error', () => {
    const form = useClusterForm(messages);
    form.reset(null);
    form.applyServerError(new ApiError(400, 'UNKNOWN_CONTEXT', 'context "x" not found', '/context'), (e) => (e as Error).message);
    expect(form.errors.context).toBe('context "x" not found');
    form.applyServerError(new ApiError(409, 'CONFLICT', 'exists'), (e) => (e as Error).message);
    expect(form.generalError.value).toBe('exists');
  });

  it('sends only what changed when editing, keeping the stored kubeconfig when empty', () => {
    const form = useClusterForm(messages);
    form.reset({
      id: '1',
      name: 'prod',
      description: 'old',
      server: 'https://a',
      version: null,
      health: { status: 'ok', checkedAt: null, lastError: null },
      createdAt: '',
      updatedAt: '',
      createdBy: 'admin',
    });
    form.values.description = 'new';
    expect(form.validate()).toBe(true);
    expect(form.updateInput()).toEqual({ description: 'new' });
  });
});
