// Serves one container instance's log the way the kubelet does: history from a "rotated" file
// (the last `retainLines` lines), then follow. Lines are generated on demand, and only as fast
// as the response drains, so a slow reader costs no memory however high the rate.
import type { ServerResponse } from 'node:http';
import { crashLines, hashSeed, logLine, type LogStyle } from './log-lines.js';

export interface ContainerLog {
  /** identifies the instance: pod uid, container name, instance number */
  seed: string;
  style: LogStyle;
  startedAt: number;
  /** set once the instance has terminated */
  endedAt?: number;
  linesPerSecond: number;
  retainLines: number;
  /** the instance ends with a crash (its last lines say why) */
  crashing?: boolean;
}

export interface LogOptions {
  follow: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: number;
  timestamps: boolean;
  limitBytes?: number;
}

const CHUNK_BYTES = 64 * 1024;
const CRASH_LINES = 3;

/** Time of line i in ms and its nanoseconds within that ms. */
function lineTime(log: ContainerLog, i: number): { ms: number; subNs: number } {
  const rate = log.linesPerSecond;
  const secs = Math.floor(i / rate);
  const ns = Math.round(((i - secs * rate) * 1e9) / rate);
  const msInSec = Math.floor(ns / 1e6);
  return { ms: log.startedAt + secs * 1000 + msInSec, subNs: ns - msInSec * 1e6 };
}

/** Index of the first line logged at or after `ms`. */
function firstLineAt(log: ContainerLog, ms: number): number {
  if (ms <= log.startedAt) return 0;
  return Math.ceil(((ms - log.startedAt) * log.linesPerSecond) / 1000);
}

/** How many regular lines exist at `now` (plus crash lines for a crashed, ended instance). */
export function lineCount(log: ContainerLog, now: number): number {
  const until = log.endedAt !== undefined ? Math.min(now, log.endedAt) : now;
  if (until < log.startedAt) return 0;
  const regular = Math.floor(((until - log.startedAt) * log.linesPerSecond) / 1000) + 1;
  return regular + (log.endedAt !== undefined && log.crashing ? CRASH_LINES : 0);
}

/** RFC3339Nano as Go prints it: trailing zeros of the fraction trimmed. */
export function rfc3339Nano(ms: number, subNs: number): string {
  const base = new Date(ms).toISOString(); // 2026-01-02T03:04:05.678Z
  const frac = (base.slice(20, 23) + String(subNs).padStart(6, '0')).replace(/0+$/, '');
  return base.slice(0, 19) + (frac ? '.' + frac : '') + 'Z';
}

export class LogRenderer {
  private readonly seedHash: number;
  private readonly regularCount: number | undefined;
  constructor(private readonly log: ContainerLog) {
    this.seedHash = hashSeed(log.seed);
    this.regularCount = log.endedAt !== undefined && log.crashing
      ? lineCount({ ...log, crashing: false }, log.endedAt)
      : undefined;
  }

  line(i: number, timestamps: boolean): string {
    const { ms, subNs } = lineTime(this.log, i);
    let text: string;
    let at = ms;
    let atNs = subNs;
    if (this.regularCount !== undefined && i >= this.regularCount) {
      at = this.log.endedAt ?? ms;
      atNs = 0;
      text = crashLines(at, this.log.style)[i - this.regularCount] ?? '';
    } else {
      text = logLine({ seed: this.log.seed, style: this.log.style }, this.seedHash, i, ms);
    }
    return timestamps ? `${rfc3339Nano(at, atNs)} ${text}\n` : `${text}\n`;
  }
}

export interface LogStreamControl {
  /**
   * false while the instance runs; once it stopped, true, or when it is known, the time it ended
   * and whether it crashed, so a follower gets its last lines (the crash message) and then EOF
   */
  isOver: () => boolean | { endedAt: number; crashing: boolean };
  /** registers a callback that ends the stream (server shutting down); returns its removal */
  onStop?: (close: () => void) => () => void;
  now?: () => number;
  /** counts what was written, for tests and metrics */
  stats?: { bytes: number };
}

/**
 * Writes the log to `res` (headers already decided by the caller) and ends it: at once without
 * follow, or when the instance is over, the client goes away, or limitBytes is reached.
 */
export async function streamContainerLog(res: ServerResponse, log: ContainerLog, opts: LogOptions, ctl: LogStreamControl): Promise<void> {
  const now = ctl.now ?? Date.now;
  let renderer = new LogRenderer(log);
  const t0 = now();
  let count = lineCount(log, t0);
  let next = Math.max(0, count - log.retainLines);
  if (opts.sinceSeconds !== undefined) next = Math.max(next, firstLineAt(log, t0 - opts.sinceSeconds * 1000));
  if (opts.sinceTime !== undefined) next = Math.max(next, firstLineAt(log, opts.sinceTime));
  if (opts.tailLines !== undefined) next = Math.max(next, count - opts.tailLines);
  let remaining = opts.limitBytes ?? Infinity;
  let closed = false;
  const onClose = () => { closed = true; };
  res.once('close', onClose);
  const offStop = ctl.onStop?.(onClose);

  try {
    for (;;) {
      while (next < count && !closed && remaining > 0) {
        let chunk = '';
        while (next < count && chunk.length < CHUNK_BYTES) chunk += renderer.line(next++, opts.timestamps);
        let buf = Buffer.from(chunk);
        if (buf.length > remaining) buf = buf.subarray(0, remaining);
        remaining -= buf.length;
        if (ctl.stats) ctl.stats.bytes += buf.length;
        if (!res.write(buf)) {
          await drainedOrClosed(res);
        } else if (next < count) {
          // let other sockets and timers run between chunks
          await new Promise<void>((r) => setImmediate(r));
        }
        // lines keep arriving while we write: a followed stream takes them too
        if (opts.follow) count = lineCount(log, log.endedAt !== undefined ? Infinity : now());
      }
      if (!opts.follow || closed || remaining <= 0) break;
      if (log.endedAt !== undefined) break;
      const over = ctl.isOver();
      if (over === true) break;
      if (over) {
        // the instance just ended: write up to its end (and its crash lines), then stop
        // lines already written stay regular lines; the crash lines come after them
        const afterWritten = log.startedAt + Math.ceil((next * 1000) / log.linesPerSecond);
        log = { ...log, endedAt: Math.max(over.endedAt, afterWritten), crashing: over.crashing };
        renderer = new LogRenderer(log);
        count = Math.max(next, lineCount(log, Infinity));
        continue;
      }
      const wait = Math.min(1000, Math.max(5, lineTime(log, next).ms - now()));
      await new Promise<void>((r) => setTimeout(r, wait));
      count = lineCount(log, now());
    }
  } finally {
    res.off('close', onClose);
    offStop?.();
    if (!res.writableEnded && !res.destroyed) res.end();
  }
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
