// The one HTTP client of the console. Every call to the backend goes through it so that the
// bearer token, the refresh on 401 and the error shape are handled in a single place.
//
// Refresh rule (the lesson from vben's client): while a refresh is running, new requests wait
// for it; when it fails, every waiting request is REJECTED. Nothing is ever replayed without a token.

export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

/** What every failed call rejects with: HTTP status (0 when the server was not reached), code, message, field. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  /** the console error's whole body: what some routes add to `error` (every field error, the outcome so far) */
  readonly body: Readonly<Record<string, unknown>> | undefined;

  constructor(status: number, code: string, message: string, field?: string, body?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.body = body;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** Where the client gets its token from and how it renews it; the session store implements this. */
export interface TokenSource {
  getAccessToken(): string | null;
  /** Returns a new access token, or null/throws when the session cannot be renewed. */
  refresh?(): Promise<string | null>;
  /** Called once per failed renewal, e.g. to send the user to the login page. */
  onSessionExpired?(): void;
}

export interface RequestOptions {
  method?: string;
  /** JSON-serialised unless it is a string (then sent as is, with `contentType`). */
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Login and refresh themselves must not trigger a refresh. */
  skipAuth?: boolean;
}

export interface ApiClient {
  readonly baseUrl: string;
  request<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  get<T = unknown>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>): Promise<T>;
  post<T = unknown>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>): Promise<T>;
  patch<T = unknown>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>): Promise<T>;
  put<T = unknown>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>): Promise<T>;
  delete<T = unknown>(path: string, options?: Omit<RequestOptions, 'method'>): Promise<T>;
  /** Builds the absolute URL of an API path (for WebSockets and downloads). */
  url(path: string, query?: RequestOptions['query']): string;
}

export interface ApiClientOptions {
  baseUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
}

export const SESSION_EXPIRED = 'SESSION_EXPIRED';
export const NETWORK_ERROR = 'NETWORK_ERROR';
export const ABORTED = 'ABORTED';
/** A cluster refused the credentials the console holds for it: not the user's session. */
export const CLUSTER_UNAUTHORIZED = 'CLUSTER_UNAUTHORIZED';

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const { tokens } = options;
  let renewal: Promise<string> | null = null;

  function url(path: string, query?: RequestOptions['query']): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
    }
    const qs = search.toString();
    return `${baseUrl}${path.startsWith('/') ? path : `/${path}`}${qs ? `?${qs}` : ''}`;
  }

  // One renewal at a time, shared by every request that hit a 401 or started while it ran.
  function renewToken(): Promise<string> {
    if (!renewal) {
      renewal = (async () => {
        let token: string | null = null;
        try {
          token = tokens.refresh ? await tokens.refresh() : null;
        } catch {
          token = null;
        }
        if (!token) {
          tokens.onSessionExpired?.();
          throw new ApiError(401, SESSION_EXPIRED, 'Your session has expired. Please sign in again.');
        }
        return token;
      })();
      const settle = () => {
        renewal = null;
      };
      renewal.then(settle, settle);
    }
    return renewal;
  }

  async function send(path: string, opts: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    let body: BodyInit | undefined;
    if (opts.body !== undefined) {
      if (typeof opts.body === 'string') {
        body = opts.body;
        headers['Content-Type'] = opts.contentType ?? 'text/plain';
      } else {
        body = JSON.stringify(opts.body);
        headers['Content-Type'] = opts.contentType ?? 'application/json';
      }
    }
    if (token && !opts.skipAuth) headers.Authorization = `Bearer ${token}`;
    try {
      return await doFetch(url(path, opts.query), { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw new ApiError(0, ABORTED, 'The request was cancelled.');
      throw new ApiError(0, NETWORK_ERROR, 'The console server could not be reached. Check your connection and try again.');
    }
  }

  async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    // A request made while a renewal runs waits for its outcome instead of going out with a stale token.
    let token = opts.skipAuth ? null : renewal ? await renewal : tokens.getAccessToken();
    let res = await send(path, opts, token);
    // A proxied cluster's own 401 (a Kubernetes Status) says nothing about the console session:
    // renewing would rotate the refresh token or ask an embedding host for nothing, and end the
    // session when that fails.
    if (res.status === 401 && !opts.skipAuth && token && !(await isKubernetesStatusResponse(res))) {
      const current = tokens.getAccessToken();
      // Someone else already renewed while this request was in flight: just retry with that token.
      token = current && current !== token && !renewal ? current : await renewToken();
      res = await send(path, opts, token);
    }
    if (!res.ok) throw await toApiError(res);
    return (await readBody(res)) as T;
  }

  return {
    baseUrl,
    url,
    request,
    get: (path, o) => request(path, { ...o, method: 'GET' }),
    post: (path, body, o) => request(path, { ...o, method: 'POST', body }),
    patch: (path, body, o) => request(path, { ...o, method: 'PATCH', body }),
    put: (path, body, o) => request(path, { ...o, method: 'PUT', body }),
    delete: (path, o) => request(path, { ...o, method: 'DELETE' }),
  };
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError(res.status, 'BAD_RESPONSE', 'The server sent a response that is not valid JSON.');
    }
  }
  return text;
}

async function isKubernetesStatusResponse(res: Response): Promise<boolean> {
  try {
    return isKubernetesStatus(JSON.parse(await res.clone().text()));
  } catch {
    return false;
  }
}

/** Turns any error response into an ApiError: the console's `{error}` shape or a Kubernetes Status. */
export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    const text = await res.text();
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (isConsoleError(body)) return new ApiError(res.status, body.error.code, body.error.message, body.error.field, body as unknown as Record<string, unknown>);
  if (isKubernetesStatus(body)) {
    if (res.status === 401) return new ApiError(401, CLUSTER_UNAUTHORIZED, body.message || defaultMessage(401));
    return new ApiError(res.status, body.reason || `HTTP_${res.status}`, body.message || defaultMessage(res.status));
  }
  return new ApiError(res.status, `HTTP_${res.status}`, defaultMessage(res.status));
}

function isConsoleError(body: unknown): body is ApiErrorBody {
  const error = (body as ApiErrorBody | undefined)?.error;
  return !!error && typeof error === 'object' && typeof error.code === 'string' && typeof error.message === 'string';
}

function isKubernetesStatus(body: unknown): body is { kind: 'Status'; message?: string; reason?: string } {
  return !!body && typeof body === 'object' && (body as { kind?: unknown }).kind === 'Status';
}

function defaultMessage(status: number): string {
  if (status === 401) return 'You are not signed in.';
  if (status === 403) return 'You are not allowed to do this.';
  if (status === 404) return 'Not found.';
  if (status === 413) return 'The request is too large.';
  if (status === 429) return 'Too many requests. Wait a moment and try again.';
  if (status >= 500) return `The server failed to answer (HTTP ${status}). Try again later.`;
  return `The request failed (HTTP ${status}).`;
}
