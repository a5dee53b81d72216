// Waiting for a condition in tests: polled, with a ceiling generous enough for a loaded 2-core
// machine. A test asserts on the condition, never on how long it took.

export interface WaitOptions {
  /** give up after this long (default 60 s) */
  timeoutMs?: number;
  /** pause between checks (default 10 ms) */
  intervalMs?: number;
}

/** Resolves once check() is true; throws "timed out waiting until <what>" after the ceiling. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 10));
  }
}
