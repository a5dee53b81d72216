// A bare page mounting LogViewer and PodTerminal for the browser test of the stream endpoints
// (e2e/streams.e2e.test.ts), so they are proven without the rest of the console. The pod and
// token come from the query string; this page is never part of the console's build.
import { createApp, h } from 'vue';
import { LogViewer, PodTerminal } from '../index';

const q = new URLSearchParams(location.search);
const common = {
  apiBase: q.get('apiBase') ?? '/api',
  getToken: () => q.get('token'),
  cluster: q.get('cluster') ?? '',
  namespace: q.get('namespace') ?? 'default',
  pod: q.get('pod') ?? '',
  containers: (q.get('containers') ?? 'main').split(','),
};

// `workload=deployment/api` shows that workload's aggregated logs alone
const [kind, name] = (q.get('workload') ?? '').split('/');
const workload = kind && name ? { kind: kind as 'deployment', name } : undefined;

createApp({
  render: () =>
    workload
      ? [h('div', { style: 'min-height:0' }, [h(LogViewer, { ...common, workload, containers: [], tailLines: 50 })])]
      : [h('div', { style: 'min-height:0' }, [h(LogViewer, { ...common, tailLines: 50 })]), h('div', { style: 'min-height:0' }, [h(PodTerminal, common)])],
}).mount('#app');
