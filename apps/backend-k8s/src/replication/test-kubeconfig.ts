// A minimal kubeconfig for replication tests: the clusters only need to exist and carry a server.
export function kubeconfigFor(server: string, token = 'replication-test-token'): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: ${server}
users:
- name: u
  user:
    token: ${token}
contexts:
- name: ctx
  context:
    cluster: c
    user: u
current-context: ctx
`;
}
