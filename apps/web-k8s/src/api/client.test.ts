import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient, type TokenSource } from './client';

type Handler = (req: Request) => Response | Promise<Response>;

/** A fetch that records every request and answers with a handler, like a tiny server. */
function fakeServer(handler: Handler) {
  const requests: Request[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(new URL(String(input), 'http://console.test'), init);
    requests.push(req);
    return handler(req);
  };
  return { requests, fetch: fetchImpl as typeof fetch };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function tokenSource(initial: string | null, refresh?: () => Promise<string | null>) {
  const state = { token: initial, expired: 0 };
  const source: TokenSource = {
    getAccessToken: () => state.token,
    refresh: refresh
      ? async () => {
          const next = await refresh();
          state.token = next;
          return next;
        }
      : undefined,
    onSessionExpired: () => {
      state.expired += 1;
    },
  };
  return { state, source };
}

describe('api client', () => {
  it('sends the bearer token and JSON body to the configured base', async () => {
    const server = fakeServer(() => json(200, { ok: true }));
    const { source } = tokenSource('t1');
    const client = createApiClient({ baseUrl: '/k8s-api/', tokens: source, fetch: server.fetch });
    await expect(client.post('/v1/clusters', { name: 'a' }, { query: { skipTest: true, empty: '' } })).resolves.toEqual({ ok: true });
    const req = server.requests[0]!;
    expect(new URL(req.url).pathname).toBe('/k8s-api/v1/clusters');
    expect(new URL(req.url).search).toBe('?skipTest=true');
    expect(req.headers.get('authorization')).toBe('Bearer t1');
    expect(req.headers.get('content-type')).toBe('application/json');
    expect(await req.json()).toEqual({ name: 'a' });
  });

  it('never sends an Authorization header on skipAuth calls (login, refresh)', async () => {
    const server = fakeServer(() => json(200, {}));
    const client = createApiClient({ baseUrl: '/api', tokens: tokenSource('t1').source, fetch: server.fetch });
    await client.post('/v1/auth/login', { username: 'u', password: 'p' }, { skipAuth: true });
    expect(server.requests[0]!.headers.get('authorization')).toBeNull();
  });

  it('turns the console error shape into an ApiError with code and field', async () => {
    const server = fakeServer(() =>
      json(400, { error: { code: 'INVALID_KUBECONFIG', message: 'line 3: bad indentation', field: '/kubeconfig' } }),
    );
    const client = createApiClient({ baseUrl: '/api', tokens: tokenSource('t').source, fetch: server.fetch });
    const err = await client.post('/v1/clusters', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'INVALID_KUBECONFIG', message: 'line 3: bad indentation', field: '/kubeconfig' });
  });

  it('keeps what a console error carries beside `error` (every field error, the outcome so far)', async () => {
    const result = { ok: false, dryRun: false, name: 'web', namespace: 'shop', objects: [{ kind: 'Deployment', action: 'rolled-back' }] };
    const server = fakeServer(() => json(409, { error: { code: 'APPLY_FAILED', message: 'Service "web" failed' }, result }));
    const client = createApiClient({ baseUrl: '/api', tokens: tokenSource('t').source, fetch: server.fetch });
    const err = await client.post('/v1/clusters/c/app-deploys', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, code: 'APPLY_FAILED', body: { result } });
  });

  it('turns a Kubernetes Status from the proxy into an ApiError with its reason', async () => {
    const server = fakeServer(() =>
      json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', message: 'pods "x" not found', code: 404 }),
    );
    const client = createApiClient({ baseUrl: '/api', tokens: tokenSource('t').source, fetch: server.fetch });
    await expect(client.get('/v1/clusters/c/k8s/api/v1/namespaces/d/pods/x')).rejects.toMatchObject({
      status: 404,
      code: 'NotFound',
      message: 'pods "x" not found',
    });
  });

  it('reports a non-JSON failure and an unreachable server in words', async () => {
    const html = fakeServer(() => new Response('<html>bad gateway</html>', { status: 502 }));
    const client = createApiClient({ baseUrl: '/api', tokens: tokenSource('t').source, fetch: html.fetch });
    await expect(client.get('/v1/me')).rejects.toMatchObject({ status: 502, code: 'HTTP_502' });

    const down = createApiClient({
      baseUrl: '/api',
      tokens: tokenSource('t').source,
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
    });
    await expect(down.get('/v1/me')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });

  it("does not renew the session on a cluster's own 401 (a Kubernetes Status from the proxy)", async () => {
    const server = fakeServer(() =>
      json(401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }),
    );
    let refreshes = 0;
    const { source, state } = tokenSource('t1', async () => {
      refreshes += 1;
      return 't2';
    });
    const client = createApiClient({ baseUrl: '/api', tokens: source, fetch: server.fetch });
    await expect(client.get('/v1/clusters/c/k8s/api/v1/pods')).rejects.toMatchObject({ status: 401, code: 'CLUSTER_UNAUTHORIZED' });
    expect(refreshes).toBe(0);
    expect(state.expired).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it('refreshes once on 401 and retries the request with the new token', async () => {
    const server = fakeServer((req) =>
      req.headers.get('authorization') === 'Bearer fresh' ? json(200, { user: 'me' }) : json(401, { error: { code: 'UNAUTHENTICATED', message: 'expired' } }),
    );
    let refreshes = 0;
    const { source } = tokenSource('stale', async () => {
      refreshes += 1;
      return 'fresh';
    });
    const client = createApiClient({ baseUrl: '/api', tokens: source, fetch: server.fetch });
    const results = await Promise.all([client.get('/v1/me'), client.get('/v1/clusters'), client.get('/v1/me')]);
    expect(results).toEqual([{ user: 'me' }, { user: 'me' }, { user: 'me' }]);
    expect(refreshes).toBe(1);
  });

  it('rejects every queued request when the refresh fails, and never sends one without a token', async () => {
    const server = fakeServer(() => json(401, { error: { code: 'UNAUTHENTICATED', message: 'expired' } }));
    let release!: (value: string | null) => void;
    const { state, source } = tokenSource('stale', () => new Promise((resolve) => (release = resolve)));
    const client = createApiClient({ baseUrl: '/api', tokens: source, fetch: server.fetch });

    const first = client.get('/v1/me').catch((e: unknown) => e);
    // Let the first request hit its 401 and start the refresh, then queue two more behind it.
    await new Promise((r) => setTimeout(r, 0));
    const queued = [client.get('/v1/clusters').catch((e: unknown) => e), client.delete('/v1/clusters/x').catch((e: unknown) => e)];
    release(null);

    const errors = await Promise.all([first, ...queued]);
    for (const err of errors) expect(err).toMatchObject({ status: 401, code: 'SESSION_EXPIRED' });
    expect(state.expired).toBe(1);
    // Only the first request went out; the queued ones were rejected, not replayed.
    expect(server.requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer stale']);
  });

  it('does not try to refresh without a refresh hook; reports the session as expired', async () => {
    const server = fakeServer(() => json(401, { error: { code: 'UNAUTHENTICATED', message: 'expired' } }));
    const { state, source } = tokenSource('t');
    const client = createApiClient({ baseUrl: '/api', tokens: source, fetch: server.fetch });
    await expect(client.get('/v1/me')).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(state.expired).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('passes a login 401 through as the server said it', async () => {
    const server = fakeServer(() => json(401, { error: { code: 'INVALID_CREDENTIALS', message: 'Wrong username or password' } }));
    const { state, source } = tokenSource(null, async () => 'x');
    const client = createApiClient({ baseUrl: '/api', tokens: source, fetch: server.fetch });
    await expect(client.post('/v1/auth/login', {}, { skipAuth: true })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(state.expired).toBe(0);
  });

  it('sends string bodies as they are with their content type, and reads text responses', async () => {
    const server = fakeServer(() => new Response('kind: Pod\n', { headers: { 'content-type': 'application/yaml' } }));
    const client = createApiClient({ baseUrl: '/api', tokens: tokenSource('t').source, fetch: server.fetch });
    const text = await client.post('/v1/clusters/c/apply', 'kind: Pod\n', { contentType: 'application/yaml' });
    expect(text).toBe('kind: Pod\n');
    expect(server.requests[0]!.headers.get('content-type')).toBe('application/yaml');
  });
});
