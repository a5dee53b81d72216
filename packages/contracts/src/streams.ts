// The wire format between the browser and the backend's log and exec WebSockets, and the query
// schemas of those endpoints. Data travels as binary frames, control as JSON text frames, so a
// log line that happens to look like JSON can never be mistaken for a control message.
import { Type, type Static } from '@sinclair/typebox';

/** Subprotocols the stream endpoints speak (offered beside the bearer-token carrier protocol). */
export const LOG_STREAM_PROTOCOL = 'logs.k8s-console.v1';
export const EXEC_STREAM_PROTOCOL = 'exec.k8s-console.v1';
export const STREAM_PROTOCOLS = [LOG_STREAM_PROTOCOL, EXEC_STREAM_PROTOCOL] as const;

/** WebSocket close codes the stream endpoints use (4000-4999 is the application range). */
export const StreamCloseCode = {
  /** the log ended or the process exited; the last text frame says how */
  Normal: 1000,
  /** the backend is shutting down */
  GoingAway: 1001,
  /** the apiserver connection failed or broke */
  UpstreamError: 4002,
  /** no traffic in either direction for STREAM_IDLE_TIMEOUT_MS */
  IdleTimeout: 4008,
  /** the client sent something the protocol does not allow */
  ProtocolError: 4400,
  /** the user was disabled or deleted, or lost the permission the stream was opened with */
  AccessRevoked: 4403,
} as const;
export type StreamCloseCode = (typeof StreamCloseCode)[keyof typeof StreamCloseCode];

// ---- queries -------------------------------------------------------------------------------

const positiveInt = (description: string) => Type.Integer({ minimum: 0, maximum: 10_000_000, description });

export const LogQuerySchema = Type.Object(
  {
    container: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    follow: Type.Optional(Type.Boolean({ description: 'keep streaming new lines' })),
    tailLines: Type.Optional(positiveInt('only the last N lines')),
    sinceSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
    previous: Type.Optional(Type.Boolean({ description: 'the previous (terminated) container instance' })),
    timestamps: Type.Optional(Type.Boolean({ description: 'prefix each line with its RFC3339 timestamp' })),
    limitBytes: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { $id: 'LogQuery', additionalProperties: false },
);
export type LogQuery = Static<typeof LogQuerySchema>;

export const WorkloadKind = Type.Union([
  Type.Literal('deployment'),
  Type.Literal('statefulset'),
  Type.Literal('daemonset'),
  Type.Literal('job'),
  Type.Literal('replicaset'),
]);
export type WorkloadKind = Static<typeof WorkloadKind>;

/** Aggregated logs of a workload or of every pod matching a label selector (exactly one of the two). */
export const AggregatedLogQuerySchema = Type.Object(
  {
    kind: Type.Optional(WorkloadKind),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    labelSelector: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    container: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    tailLines: Type.Optional(positiveInt('only the last N lines of each container present at the start')),
    sinceSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
    timestamps: Type.Optional(Type.Boolean()),
  },
  { $id: 'AggregatedLogQuery', additionalProperties: false },
);
export type AggregatedLogQuery = Static<typeof AggregatedLogQuerySchema>;

export const ExecQuerySchema = Type.Object(
  {
    container: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    /** argv; repeat the parameter for each word. Absent: try /bin/bash, then /bin/sh. */
    command: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { minItems: 1, maxItems: 64 })),
    tty: Type.Optional(Type.Boolean({ default: true })),
    stdin: Type.Optional(Type.Boolean({ default: true })),
    /** initial terminal size, so the first prompt is drawn at the right width */
    cols: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    rows: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { $id: 'ExecQuery', additionalProperties: false },
);
export type ExecQuery = Static<typeof ExecQuerySchema>;

export const DEFAULT_SHELLS: readonly (readonly string[])[] = [['/bin/bash'], ['/bin/sh']];

// ---- frames --------------------------------------------------------------------------------

/**
 * Exec binary frames carry one leading channel byte, like the apiserver's channel protocol:
 * browser → backend: 0 stdin; backend → browser: 1 stdout, 2 stderr.
 * Log binary frames are raw UTF-8 log bytes with no channel byte.
 */
export const ExecChannel = { Stdin: 0, Stdout: 1, Stderr: 2 } as const;

/** Text frames the browser sends on an exec socket. */
export type ExecClientControl = { type: 'resize'; cols: number; rows: number } | { type: 'close-stdin' };

export const ExecClientControlSchema = Type.Union([
  Type.Object(
    {
      type: Type.Literal('resize'),
      cols: Type.Integer({ minimum: 1, maximum: 1000 }),
      rows: Type.Integer({ minimum: 1, maximum: 1000 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('close-stdin') }, { additionalProperties: false }),
]);

/** Text frames the backend sends on a log or exec socket. */
export type StreamServerControl =
  /** exec: the process is running; `command` is what was actually started (after shell fallback) */
  | { type: 'started'; command: string[]; protocol: string }
  /** exec: the process ended; exitCode is null when the apiserver did not report one */
  | { type: 'exit'; exitCode: number | null; reason?: string; message?: string }
  /** logs: the upstream log ended (container stopped, or follow=false reached the end) */
  | { type: 'end'; reason: string }
  /** aggregated logs: a container joined or left the stream */
  | { type: 'source'; event: 'added' | 'removed'; pod: string; container: string }
  /** merged logs: something the user should know that does not end the stream (e.g. containers skipped) */
  | { type: 'notice'; code: string; message: string }
  /** either: something failed; the socket closes right after */
  | { type: 'error'; code: string; message: string };

/** Exec sessions recorded for the audit log, one per session. */
export interface ExecSessionRecord {
  userId: string;
  username: string;
  clusterId: string;
  namespace: string;
  pod: string;
  container: string | null;
  command: string[];
  tty: boolean;
  startedAt: string;
  /**
   * null in the record written as the process starts (a session is on record while it runs, and
   * even if the backend dies before it ends); the time it ended in the record written at its end
   */
  endedAt: string | null;
  exitCode: number | null;
  /**
   * why the session ended: exit, client-closed, idle-timeout, upstream-error, start-failed,
   * protocol-error, access-revoked, shutdown; null in the start record
   */
  endReason: string | null;
  /** the browser's address as the backend saw it */
  address?: string | null;
}
