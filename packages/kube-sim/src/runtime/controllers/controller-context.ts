// What every controller is handed: the store, the event recorder, the work queue, timers that
// die with the runtime, and the runtime's options.
import type { RuntimeStore } from '../runtime-store.js';
import type { EventRecorder } from '../event-recorder.js';
import type { WorkQueue } from '../work-queue.js';

export interface RuntimeTiming {
  /** scheduled → Running/Ready */
  podStartDelayMs: number;
  /** how long a crash-looping container runs before it crashes */
  crashAfterMs: number;
  /** first CrashLoopBackOff delay; doubles per restart up to 5 minutes, like the kubelet */
  crashBackoffBaseMs: number;
  /** default run time of run-to-completion pods (Jobs) */
  jobRunMs: number;
}

export class Timers {
  private readonly byKey = new Map<string, NodeJS.Timeout>();

  /** (re)sets the one timer of `key` */
  set(key: string, ms: number, fn: () => void): void {
    this.clear(key);
    const t = setTimeout(() => {
      this.byKey.delete(key);
      fn();
    }, Math.max(0, ms));
    t.unref?.();
    this.byKey.set(key, t);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  clear(key: string): void {
    const t = this.byKey.get(key);
    if (t) clearTimeout(t);
    this.byKey.delete(key);
  }

  clearAll(): void {
    for (const t of this.byKey.values()) clearTimeout(t);
    this.byKey.clear();
  }
}

export interface ControllerContext {
  store: RuntimeStore;
  events: EventRecorder;
  queue: WorkQueue;
  timers: Timers;
  timing: RuntimeTiming;
}
