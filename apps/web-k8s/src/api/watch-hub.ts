// The browser side of the watch hub: ONE WebSocket per console instance carrying every live list
// as a subscription (snapshot, then ADDED/MODIFIED/DELETED). It opens on the first subscription,
// reconnects with backoff and re-subscribes (each subscription gets a fresh snapshot), and closes
// shortly after the last one ends. The token rides as a subprotocol, never in the URL.
import {
  WATCH_PROTOCOL,
  type WatchClientMessage,
  type WatchError,
  type WatchEvent,
  type WatchServerMessage,
  type WatchSnapshot,
  type WatchSubscribe,
} from '@k8s-console/contracts';

const TOKEN_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';
const IDLE_CLOSE_MS = 5_000;
const MAX_BACKOFF_MS = 15_000;

export type WatchTarget = Omit<WatchSubscribe, 'type' | 'id'>;

export interface WatchHandlers {
  snapshot(message: WatchSnapshot): void;
  event(message: WatchEvent): void;
  error(message: WatchError): void;
  /** the socket dropped; a new snapshot will follow once it is back */
  disconnected?(): void;
}

export interface WatchHub {
  subscribe(target: WatchTarget, handlers: WatchHandlers): () => void;
  /**
   * Drops the socket at once and, while lists are open, opens a new one with the current token:
   * the socket is authorized as whoever opened it, so another user signing in (or signing out)
   * must not go on using it.
   */
  reconnect(): void;
  /** Closes the socket and forgets every subscription (console unmount). */
  close(): void;
}

type SocketFactory = (url: string, protocols: string[]) => WebSocket;

export interface WatchHubOptions {
  /** absolute ws(s) URL of /api/v1/ws */
  url: string;
  getToken(): string | null;
  /**
   * Runs before each reconnect. A browser cannot see why an upgrade failed (an expired token looks
   * like any drop), so this is where the console makes one API call that renews the token if needed.
   */
  beforeReconnect?(): Promise<void>;
  createSocket?: SocketFactory;
  /** for tests: how to wait (reconnect backoff, idle close) */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** for tests: the clock that tells a socket that stayed up from one dropped at once */
  now?: () => number;
}

/**
 * A socket that stayed open this long counts as recovered: its drop starts the backoff again. A
 * socket the server keeps closing soon after the upgrade (too slow a reader, 4008; a refused
 * subscription quota) backs off further each time instead of reconnecting every half second.
 */
const STABLE_MS = 30_000;

export function tokenProtocol(token: string): string {
  const bytes = new TextEncoder().encode(token);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return TOKEN_PROTOCOL_PREFIX + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** ws:// or wss:// URL of an API path, relative to the page. */
export function webSocketUrl(apiPath: string, pageUrl: string = globalThis.location?.href ?? 'http://localhost/'): string {
  const url = new URL(apiPath, pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export function createWatchHub(options: WatchHubOptions): WatchHub {
  const createSocket: SocketFactory = options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols));
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));

  const subscriptions = new Map<string, { target: WatchTarget; handlers: WatchHandlers }>();
  let socket: WebSocket | null = null;
  let open = false;
  let nextId = 1;
  const now = options.now ?? Date.now;
  let attempts = 0;
  let openedAt = 0;
  let reconnectTimer: unknown = null;
  let idleTimer: unknown = null;
  let closed = false;

  function send(message: WatchClientMessage) {
    if (socket && open) socket.send(JSON.stringify(message));
  }

  function connect() {
    if (socket || closed) return;
    const token = options.getToken();
    const protocols = token ? [WATCH_PROTOCOL, tokenProtocol(token)] : [WATCH_PROTOCOL];
    const ws = createSocket(options.url, protocols);
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return; // dropped by reconnect() while it was connecting
      open = true;
      openedAt = now();
      for (const [id, sub] of subscriptions) send({ type: 'subscribe', id, ...sub.target });
    };
    ws.onmessage = (event: MessageEvent) => {
      // a socket the hub already let go of (idle close) speaks for no current subscription
      if (socket !== ws) return;
      let message: WatchServerMessage;
      try {
        message = JSON.parse(String(event.data)) as WatchServerMessage;
      } catch {
        return;
      }
      const sub = message.id ? subscriptions.get(message.id) : undefined;
      if (message.type === 'error') {
        if (!message.id) {
          // about the socket itself: it concerns every list on it
          for (const s of subscriptions.values()) s.handlers.error(message);
        } else if (sub) {
          if (message.fatal) subscriptions.delete(message.id);
          sub.handlers.error(message);
        }
        // else: the answer to a subscription already ended (the user moved on); it must not land
        // in the lists shown now
        return;
      }
      if (!sub) return;
      if (message.type === 'snapshot') sub.handlers.snapshot(message);
      else if (message.type === 'event') sub.handlers.event(message);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      open = false;
      if (openedAt && now() - openedAt >= STABLE_MS) attempts = 0;
      openedAt = 0;
      if (closed || subscriptions.size === 0) return;
      for (const sub of subscriptions.values()) sub.handlers.disconnected?.();
      // Exponential backoff with jitter, so a restarted backend is not hit by every tab at once.
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempts) * (0.5 + Math.random() / 2);
      attempts += 1;
      reconnectTimer = setTimer(() => {
        const prepare = options.beforeReconnect?.() ?? Promise.resolve();
        void prepare
          .catch(() => undefined)
          .then(() => {
            reconnectTimer = null;
            if (subscriptions.size > 0) connect();
          });
      }, delay);
    };
    ws.onerror = () => {
      // onclose follows and handles the reconnect
    };
  }

  function scheduleIdleClose() {
    if (idleTimer !== null) clearTimer(idleTimer);
    idleTimer = setTimer(() => {
      idleTimer = null;
      if (subscriptions.size === 0 && socket) {
        const ws = socket;
        socket = null;
        open = false;
        ws.close(1000, 'no subscriptions');
      }
    }, IDLE_CLOSE_MS);
  }

  return {
    subscribe(target, handlers) {
      const id = `s${nextId++}`;
      subscriptions.set(id, { target, handlers });
      if (idleTimer !== null) {
        clearTimer(idleTimer);
        idleTimer = null;
      }
      if (!socket) {
        if (reconnectTimer === null) connect();
      } else send({ type: 'subscribe', id, ...target });
      return () => {
        if (!subscriptions.delete(id)) return;
        send({ type: 'unsubscribe', id });
        if (subscriptions.size === 0) scheduleIdleClose();
      };
    },
    reconnect() {
      if (closed) return;
      if (reconnectTimer !== null) clearTimer(reconnectTimer);
      reconnectTimer = null;
      if (idleTimer !== null) clearTimer(idleTimer);
      idleTimer = null;
      attempts = 0;
      const ws = socket;
      socket = null;
      open = false;
      ws?.close(1000, 'session changed');
      if (subscriptions.size === 0) return;
      if (ws) for (const sub of subscriptions.values()) sub.handlers.disconnected?.();
      connect();
    },
    close() {
      closed = true;
      subscriptions.clear();
      if (reconnectTimer !== null) clearTimer(reconnectTimer);
      if (idleTimer !== null) clearTimer(idleTimer);
      const ws = socket;
      socket = null;
      open = false;
      ws?.close(1000, 'console closed');
    },
  };
}
