// Signs and verifies the requests replicas send each other. The internal reload endpoint is
// reachable by anything that can reach a pod, so it trusts only requests carrying an HMAC over
// what they ask for, made with INTERNAL_SECRET, recent, and never seen before.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-console-signature';
export const TIMESTAMP_HEADER = 'x-console-timestamp';
export const NONCE_HEADER = 'x-console-nonce';

const SCHEME = 'v1=';
/** Requests older (or further in the future) than this are refused; covers clock skew between nodes. */
export const DEFAULT_FRESHNESS_MS = 30_000;

export interface SignedHeaders {
  [SIGNATURE_HEADER]: string;
  [TIMESTAMP_HEADER]: string;
  [NONCE_HEADER]: string;
}

function canonical(method: string, path: string, timestamp: string, nonce: string, body: string | Buffer): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return [method.toUpperCase(), path, timestamp, nonce, bodyHash].join('\n');
}

function mac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

/** Headers to send with a request; `path` includes the query string, exactly as sent. */
export function signRequest(
  secret: string,
  method: string,
  path: string,
  body: string | Buffer,
  now: number = Date.now(),
): SignedHeaders {
  const timestamp = String(now);
  const nonce = randomBytes(12).toString('hex');
  return {
    [SIGNATURE_HEADER]: SCHEME + mac(secret, canonical(method, path, timestamp, nonce, body)),
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
  };
}

export type VerifyFailure = 'missing' | 'malformed' | 'stale' | 'bad-signature' | 'replayed';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

export interface VerifierOptions {
  freshnessMs?: number;
  now?: () => number;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? undefined : v;
}

/**
 * Verifies signed requests and remembers each accepted nonce for the freshness window, so a
 * captured request cannot be replayed. After the window the timestamp check refuses it anyway.
 */
export class RequestVerifier {
  private readonly seen = new Map<string, number>();
  private readonly freshnessMs: number;
  private readonly now: () => number;

  constructor(
    private readonly secret: string,
    options: VerifierOptions = {},
  ) {
    this.freshnessMs = options.freshnessMs ?? DEFAULT_FRESHNESS_MS;
    this.now = options.now ?? Date.now;
  }

  verify(
    method: string,
    path: string,
    body: string | Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): VerifyResult {
    const signature = header(headers, SIGNATURE_HEADER);
    const timestamp = header(headers, TIMESTAMP_HEADER);
    const nonce = header(headers, NONCE_HEADER);
    if (!signature || !timestamp || !nonce) return { ok: false, reason: 'missing' };
    // one spelling only (64 lower-case hex digits): the replay memory keys on the text, and
    // Buffer.from(…, 'hex') would also take upper case or stop at a stray character
    if (!signature.startsWith(SCHEME) || !/^[0-9a-f]{64}$/.test(signature.slice(SCHEME.length)) || !/^\d{1,16}$/.test(timestamp) || !/^[0-9a-f]{8,64}$/.test(nonce)) {
      return { ok: false, reason: 'malformed' };
    }
    const now = this.now();
    if (Math.abs(now - Number(timestamp)) > this.freshnessMs) return { ok: false, reason: 'stale' };

    const expected = Buffer.from(mac(this.secret, canonical(method, path, timestamp, nonce, body)), 'hex');
    const given = Buffer.from(signature.slice(SCHEME.length), 'hex');
    // timingSafeEqual throws on different lengths; a wrong length is simply a wrong signature
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };

    this.forgetExpired(now);
    // keyed by the nonce, which the signature covers: one request is accepted once, however its
    // signature is spelled
    if (this.seen.has(nonce)) return { ok: false, reason: 'replayed' };
    this.seen.set(nonce, Number(timestamp) + this.freshnessMs);
    return { ok: true };
  }

  /** How many accepted requests are remembered (for tests and metrics). */
  get remembered(): number {
    return this.seen.size;
  }

  private forgetExpired(now: number): void {
    // Map keeps insertion order, which is nearly expiry order; stop at the first live entry
    for (const [nonce, expiresAt] of this.seen) {
      if (expiresAt >= now) break;
      this.seen.delete(nonce);
    }
  }
}
