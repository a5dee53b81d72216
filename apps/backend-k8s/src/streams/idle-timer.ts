// Closes a stream nobody uses: any traffic in either direction pushes the deadline back.
export class IdleTimer {
  private readonly timer: NodeJS.Timeout | null;

  constructor(timeoutMs: number, onIdle: () => void) {
    this.timer = timeoutMs > 0 ? setTimeout(onIdle, timeoutMs) : null;
    this.timer?.unref();
  }

  touch(): void {
    this.timer?.refresh();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
