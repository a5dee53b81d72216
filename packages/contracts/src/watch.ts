// The watch hub's wire format on the `/api/v1/ws` WebSocket: one socket per browser tab carries
// many subscriptions, each identified by a client-chosen id. All frames are JSON text.
//
// Flow: the client sends `subscribe`; the server answers with one or more `snapshot` chunks (the
// last has `complete: true`; while a big list is still paging in, chunks come as pages arrive and
// carry resourceVersion ''), then `event`s (ADDED / MODIFIED / DELETED) for that subscription
// until the client sends `unsubscribe` or the server sends a fatal `error` for it.
import { Type, type Static } from '@sinclair/typebox';

/** The real subprotocol of the watch hub, offered beside the bearer-token carrier protocol. */
export const WATCH_PROTOCOL = 'k8s-console.watch.v1';

/** WebSocket close codes the watch hub uses besides 1000/1001. */
export const WatchCloseCode = {
  /** the client could not keep up; reconnect and subscribe again */
  TooSlow: 4008,
  /** the client sent a frame that is not a valid message */
  ProtocolError: 4400,
  /** the user was disabled or deleted while the socket was open */
  AccessRevoked: 4403,
} as const;

const name = (description: string) => Type.String({ minLength: 1, maxLength: 253, description });

export const WatchSubscribeSchema = Type.Object(
  {
    type: Type.Literal('subscribe'),
    id: Type.String({ minLength: 1, maxLength: 128, description: 'client-chosen, unique on this socket' }),
    cluster: Type.String({ minLength: 1, maxLength: 128, description: 'console cluster id' }),
    group: Type.String({ maxLength: 253, description: "API group, '' for core" }),
    version: Type.String({ minLength: 1, maxLength: 64 }),
    resource: name('plural resource name, e.g. pods'),
    namespace: Type.Optional(name('omit for all namespaces or a cluster-scoped resource')),
    labelSelector: Type.Optional(Type.String({ maxLength: 4096 })),
    fieldSelector: Type.Optional(Type.String({ maxLength: 4096 })),
    mode: Type.Union([Type.Literal('objects'), Type.Literal('rows')], {
      description: "'objects': whole objects (managedFields removed); 'rows': compact table rows",
    }),
  },
  { $id: 'WatchSubscribe', additionalProperties: false },
);
export type WatchSubscribe = Static<typeof WatchSubscribeSchema>;
export type WatchMode = WatchSubscribe['mode'];

export const WatchUnsubscribeSchema = Type.Object(
  { type: Type.Literal('unsubscribe'), id: Type.String({ minLength: 1, maxLength: 128 }) },
  { $id: 'WatchUnsubscribe', additionalProperties: false },
);
export type WatchUnsubscribe = Static<typeof WatchUnsubscribeSchema>;

export const WatchClientMessageSchema = Type.Union([WatchSubscribeSchema, WatchUnsubscribeSchema], { $id: 'WatchClientMessage' });
export type WatchClientMessage = WatchSubscribe | WatchUnsubscribe;

// ---- server → client ---------------------------------------------------------------------

/** A Kubernetes object as the browser receives it (metadata.managedFields removed). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A column of a 'rows' subscription, from the Table API's columnDefinitions. */
export interface WatchColumn {
  name: string;
  type: string;
  format?: string;
  /** 0 = shown by default; > 0 = the "wide" set */
  priority: number;
  description?: string;
}

/**
 * One object as a compact table row. The cells follow the subscription's columns. A column named
 * "Age" holds the apiserver's text at the time it was printed: render it from creationTimestamp.
 */
export interface WatchRow {
  uid: string;
  name: string;
  namespace?: string;
  resourceVersion: string;
  creationTimestamp?: string;
  cells: unknown[];
}

export interface WatchSnapshot {
  type: 'snapshot';
  id: string;
  /** the list's resourceVersion the snapshot reflects */
  resourceVersion: string;
  /** rows mode: the columns, on every chunk */
  columns?: WatchColumn[];
  /** objects mode */
  items?: KubeObject[];
  /** rows mode */
  rows?: WatchRow[];
  /** false while more chunks of this snapshot follow; events only come after the last one */
  complete: boolean;
  /**
   * true: forget every item received for this subscription so far, then keep going. Rare: a big
   * first list streamed page by page failed halfway and starts over.
   */
  reset?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: 'event';
  id: string;
  event: WatchEventType;
  /** objects mode */
  object?: KubeObject;
  /** rows mode */
  row?: WatchRow;
}

export interface WatchError {
  type: 'error';
  /** the subscription it concerns; absent for an error about the socket or a malformed frame */
  id?: string;
  code: string;
  message: string;
  /**
   * true: the subscription is over (forbidden, unknown resource, invalid); false: the hub keeps
   * retrying (cluster unreachable, upstream error) and events resume by themselves
   */
  fatal: boolean;
}

export type WatchServerMessage = WatchSnapshot | WatchEvent | WatchError;
