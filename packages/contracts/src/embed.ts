// The postMessage protocol between the console in an iframe and its host page (docs/embedding.md).
// Every message carries `channel` and `version`, so a host can tell ours apart from other frames'
// traffic and a future version can change shapes without breaking the old one.
// Tokens travel only in messages posted to a known origin, never in a URL.

export const EMBED_CHANNEL = 'k8s-console';
export const EMBED_PROTOCOL_VERSION = 1;

interface Envelope<T extends string> {
  channel: typeof EMBED_CHANNEL;
  version: typeof EMBED_PROTOCOL_VERSION;
  type: T;
}

export type ConsoleTheme = 'light' | 'dark';
export type ConsoleLocale = 'en' | 'zh-CN';

/** Console → host: loaded and listening; the host answers with `token`. */
export type ReadyMessage = Envelope<'ready'>;
/** Console → host: needs a (new) host token: first sign-on, console session about to expire, or a 401. */
export interface TokenRequestMessage extends Envelope<'token-request'> {
  reason: 'initial' | 'expiring' | 'unauthorized';
}
/** Console → host: the host token was exchanged (or refused); never carries the token itself. */
export interface SessionMessage extends Envelope<'session'> {
  state: 'signed-in' | 'failed';
  username?: string;
  error?: string;
}
/** Console → host: the console's route changed; `path` is relative to the console's base ("/clusters/x"). */
export interface NavigatedMessage extends Envelope<'navigated'> {
  path: string;
}
export type ConsoleToHostMessage = ReadyMessage | TokenRequestMessage | SessionMessage | NavigatedMessage;

/** Host → console: the host application's SSO JWT, exchanged at POST /api/v1/auth/sso. */
export interface TokenMessage extends Envelope<'token'> {
  token: string;
}
/** Host → console: go to a console path (same shape as `navigated.path`). */
export interface NavigateMessage extends Envelope<'navigate'> {
  path: string;
}
/** Host → console: follow the host's theme and language. */
export interface AppearanceMessage extends Envelope<'appearance'> {
  theme?: ConsoleTheme;
  locale?: ConsoleLocale;
}
export type HostToConsoleMessage = TokenMessage | NavigateMessage | AppearanceMessage;

export function embedMessage<M extends ConsoleToHostMessage | HostToConsoleMessage>(
  message: Omit<M, 'channel' | 'version'>,
): M {
  return { channel: EMBED_CHANNEL, version: EMBED_PROTOCOL_VERSION, ...message } as M;
}

const MAX_TOKEN_LENGTH = 16 * 1024;
const MAX_PATH_LENGTH = 2048;

/** A console path: starts with one "/", no scheme or host, bounded. */
export function isConsolePath(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_PATH_LENGTH && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\');
}

/** Validates what a host posted; anything else (other channels, versions, shapes) yields null. */
export function parseHostMessage(data: unknown): HostToConsoleMessage | null {
  if (!data || typeof data !== 'object') return null;
  const m = data as Record<string, unknown>;
  if (m.channel !== EMBED_CHANNEL || m.version !== EMBED_PROTOCOL_VERSION) return null;
  switch (m.type) {
    case 'token':
      return typeof m.token === 'string' && m.token.length > 0 && m.token.length <= MAX_TOKEN_LENGTH
        ? embedMessage<TokenMessage>({ type: 'token', token: m.token })
        : null;
    case 'navigate':
      return isConsolePath(m.path) ? embedMessage<NavigateMessage>({ type: 'navigate', path: m.path }) : null;
    case 'appearance': {
      const theme = m.theme === 'light' || m.theme === 'dark' ? m.theme : undefined;
      const locale = m.locale === 'en' || m.locale === 'zh-CN' ? m.locale : undefined;
      return theme || locale ? embedMessage<AppearanceMessage>({ type: 'appearance', theme, locale }) : null;
    }
    default:
      return null;
  }
}

/** Validates what the console posted (for hosts). */
export function parseConsoleMessage(data: unknown): ConsoleToHostMessage | null {
  if (!data || typeof data !== 'object') return null;
  const m = data as Record<string, unknown>;
  if (m.channel !== EMBED_CHANNEL || m.version !== EMBED_PROTOCOL_VERSION) return null;
  switch (m.type) {
    case 'ready':
      return embedMessage<ReadyMessage>({ type: 'ready' });
    case 'token-request':
      return m.reason === 'initial' || m.reason === 'expiring' || m.reason === 'unauthorized'
        ? embedMessage<TokenRequestMessage>({ type: 'token-request', reason: m.reason })
        : null;
    case 'session':
      return m.state === 'signed-in' || m.state === 'failed'
        ? embedMessage<SessionMessage>({
            type: 'session',
            state: m.state,
            ...(typeof m.username === 'string' ? { username: m.username } : {}),
            ...(typeof m.error === 'string' ? { error: m.error } : {}),
          })
        : null;
    case 'navigated':
      return isConsolePath(m.path) ? embedMessage<NavigatedMessage>({ type: 'navigated', path: m.path }) : null;
    default:
      return null;
  }
}

/**
 * Props a qiankun host passes to the console's mount/update (see docs/embedding.md). `Container`
 * is the DOM element type (HTMLElement in a browser); contracts stay free of the DOM library.
 */
export interface ConsoleMicroAppProps<Container extends object = object> {
  /** The element qiankun mounted the app's template into; the console renders inside it. */
  container?: Container;
  /** Where the console's routes live in the host's URL, e.g. "/console". Default "/". */
  basePath?: string;
  /** The host's SSO JWT, or a function returning a fresh one (called again when the session expires). */
  token?: string;
  getToken?: () => string | Promise<string>;
  theme?: ConsoleTheme;
  locale?: ConsoleLocale;
  /** API root; default: the console's own config.json, resolved against where its assets are served. */
  apiBase?: string;
}
