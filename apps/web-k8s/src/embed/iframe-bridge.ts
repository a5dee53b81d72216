// The console's side of the postMessage protocol with the page that frames it (contracts/embed.ts).
// Only the parent window, and only from an origin on the allowlist (EMBED_ALLOWED_ORIGINS through
// config.json), is listened to; once a host has spoken, replies go to its origin alone. Before
// that, messages are addressed to each allowed origin, so a foreign parent receives nothing.
import {
  embedMessage,
  parseHostMessage,
  type ConsoleToHostMessage,
  type HostToConsoleMessage,
  type TokenRequestMessage,
} from '@k8s-console/contracts';

export interface IframeBridgeOptions {
  allowedOrigins: readonly string[];
  /** The console's own window (default `window`) and its parent (default `window.parent`). */
  self?: Window;
  parent?: Window;
  onMessage(message: HostToConsoleMessage, origin: string): void;
}

export interface IframeBridge {
  /** The host's origin once it has sent a valid message, else null. */
  readonly hostOrigin: string | null;
  post(message: ConsoleToHostMessage): void;
  /** Asks for a token and resolves with the next one the host sends, or null after `timeoutMs`. */
  requestToken(reason: TokenRequestMessage['reason'], timeoutMs?: number): Promise<string | null>;
  /** The next token the host sends (without asking), or null after `timeoutMs`. */
  nextToken(timeoutMs: number): Promise<string | null>;
  dispose(): void;
}

export function createIframeBridge(options: IframeBridgeOptions): IframeBridge {
  const self = options.self ?? window;
  const parent = options.parent ?? self.parent;
  const allowed = new Set(options.allowedOrigins);
  let hostOrigin: string | null = null;
  const waiting = new Set<(token: string | null) => void>();

  function listener(event: MessageEvent) {
    if (event.source !== parent || !allowed.has(event.origin)) return;
    const message = parseHostMessage(event.data);
    if (!message) return;
    hostOrigin = event.origin;
    // A token someone waits for (a request, the handshake) goes to the waiter only.
    if (message.type === 'token' && waiting.size > 0) {
      for (const resolve of [...waiting]) resolve(message.token);
      return;
    }
    options.onMessage(message, event.origin);
  }
  self.addEventListener('message', listener);

  function post(message: ConsoleToHostMessage) {
    if (parent === self) return;
    for (const origin of hostOrigin ? [hostOrigin] : allowed) parent.postMessage(message, origin);
  }

  function nextToken(timeoutMs: number): Promise<string | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), timeoutMs);
      const done = (token: string | null) => {
        clearTimeout(timer);
        waiting.delete(done);
        resolve(token);
      };
      waiting.add(done);
    });
  }

  return {
    get hostOrigin() {
      return hostOrigin;
    },
    post,
    nextToken,
    requestToken(reason, timeoutMs = 15_000) {
      const token = nextToken(timeoutMs);
      post(embedMessage<TokenRequestMessage>({ type: 'token-request', reason }));
      return token;
    },
    dispose() {
      self.removeEventListener('message', listener);
      for (const resolve of [...waiting]) resolve(null);
      waiting.clear();
    },
  };
}
