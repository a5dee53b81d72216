// The host page's calls to its own server: login, who am I, the console's address, and a fresh
// SSO token for the console (minted server-side; the secret never reaches the browser).
export interface HostConfig {
  consoleUrl: string;
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const body = (await res.json().catch(() => ({}))) as T & { error?: { message: string } };
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body;
}

export const hostApi = {
  config: () => call<HostConfig>('/demo-api/config'),
  me: () => call<{ username: string }>('/demo-api/me').catch(() => null),
  login: (username: string, password: string) =>
    call<{ username: string }>('/demo-api/login', { method: 'POST', body: JSON.stringify({ username, password }) }),
  logout: () => call<unknown>('/demo-api/logout', { method: 'POST', body: '{}' }),
  ssoToken: async () => (await call<{ token: string }>('/demo-api/sso-token', { method: 'POST', body: '{}' })).token,
};
