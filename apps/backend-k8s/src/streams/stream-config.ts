// Limits of the stream endpoints, from the environment (documented in docs/configuration.md).
/**
 * The largest WebSocket frame a browser may send on any console socket (watch, logs, terminal):
 * a subscription or a terminal paste fits many times over; ws's own default is 100 MiB, which one
 * frame per session would hold in memory before any backpressure could act.
 */
export const MAX_BROWSER_FRAME_BYTES = 1024 * 1024;

export interface StreamLimits {
  /** close a log or exec stream after this long without traffic in either direction (0: never) */
  idleTimeoutMs: number;
  /** concurrent exec sessions one console user may hold on one replica */
  execSessionsPerUser: number;
  /** concurrent log streams (one pod's or merged) one console user may hold on one replica */
  logStreamsPerUser: number;
  /** containers one merged log stream follows at most; the rest are named to the browser and skipped */
  logSourcesPerStream: number;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

export function streamLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): StreamLimits {
  return {
    idleTimeoutMs: intFromEnv(env, 'STREAM_IDLE_TIMEOUT_MS', 30 * 60 * 1000, 0),
    execSessionsPerUser: intFromEnv(env, 'EXEC_SESSIONS_PER_USER', 10, 1),
    logStreamsPerUser: intFromEnv(env, 'LOG_STREAMS_PER_USER', 20, 1),
    logSourcesPerStream: intFromEnv(env, 'LOG_SOURCES_PER_STREAM', 50, 1),
  };
}
