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
  /** Where host messages go; without it (or until `listen`) they are kept, in order, for it. */
  onMessage?(message: HostToConsoleMessage, origin: string): void;
}

export interface IframeBridge {
  /** The host's origin once it has sent a valid message, else null. */
  readonly hostOrigin: string | null;
  post(message: ConsoleToHostMessage): void;
  /** Asks for a token and resolves with the next one the host sends, or null after `timeoutMs`. */
  requestToken(reason: TokenRequestMessage['reason'], timeoutMs?: number): Promise<string | null>;
  /** The next token the host sends (without asking), or null after `timeoutMs`. */
  nextToken(timeoutMs: number): Promise<string | null>;
  /**
   * Hands host messages to `handler` from now on, first those that arrived before (a host answers
   * `ready` with its token, theme and route at once, while the console is still being built).
   */
  listen(handler: (message: HostToConsoleMessage, origin: string) => void): void;
  dispose(): void;
}

/** Early messages kept for `listen`; a host sends a few, this only bounds a flood. */
const MAX_EARLY_MESSAGES = 32;

export function createIframeBridge(options: IframeBridgeOptions): IframeBridge {
  const self = options.self ?? window;
  const parent = options.parent ?? self.parent;
  const allowed = new Set(options.allowedOrigins);
  let hostOrigin: string | null = null;
  const waiting = new Set<(token: string | null) => void>();
  let handler = options.onMessage ?? null;
  const early: { message: HostToConsoleMessage; origin: string }[] = [];

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
    if (handler) handler(message, event.origin);
    else if (early.push({ message, origin: event.origin }) > MAX_EARLY_MESSAGES) early.shift();
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
    listen(next) {
      handler = next;
      for (const { message, origin } of early.splice(0)) next(message, origin);
    },
    dispose() {
      self.removeEventListener('message', listener);
      early.length = 0;
      for (const resolve of [...waiting]) resolve(null);
      waiting.clear();
    },
  };
}
