// Moves bytes from a pausable source into a WebSocket without unbounded buffering: above the high
// water mark the source is paused, and each send callback (bytes handed to the kernel) checks
// whether the socket has drained below the low mark before resuming it.
import type WebSocket from 'ws';

export const HIGH_WATER_BYTES = 1024 * 1024;
export const LOW_WATER_BYTES = 256 * 1024;

export interface Pausable {
  pause(): unknown;
  resume(): unknown;
}

/**
 * Sends on `socket` and pauses the given sources while it is congested. Several sources can share
 * one gate (the aggregated log stream); a source is resumed only by the gate that paused it.
 */
export class SocketSendGate {
  private readonly paused = new Set<Pausable>();

  constructor(
    private readonly socket: WebSocket,
    private readonly high = HIGH_WATER_BYTES,
    private readonly low = LOW_WATER_BYTES,
  ) {}

  /** Sends one frame; when the socket is congested pauses `source` until it drains. */
  send(data: Buffer | string, source?: Pausable): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(data, { binary: typeof data !== 'string' }, () => this.maybeResume());
    if (source && this.socket.bufferedAmount > this.high && !this.paused.has(source)) {
      this.paused.add(source);
      source.pause();
    }
  }

  /** Pauses a source that is about to produce while the socket is already congested. */
  admit(source: Pausable): void {
    if (this.socket.bufferedAmount > this.high && !this.paused.has(source)) {
      this.paused.add(source);
      source.pause();
    }
  }

  forget(source: Pausable): void {
    this.paused.delete(source);
  }

  get congested(): boolean {
    return this.paused.size > 0;
  }

  private maybeResume(): void {
    if (this.paused.size === 0 || this.socket.bufferedAmount > this.low) return;
    const sources = [...this.paused];
    this.paused.clear();
    for (const s of sources) s.resume();
  }
}
