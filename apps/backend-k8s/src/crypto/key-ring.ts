// Seals cluster credentials with AES-256-GCM: a random 96-bit nonce per seal, the cluster id as
// associated data (a sealed blob copied onto another row does not open), and a ring of keys so
// keys rotate without downtime: new seals use the active key, old rows open with theirs until
// `reseal` moves them over.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRingSpec } from '../config/key-ring-spec.js';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed {
  keyId: string;
  /** base64(nonce ‖ ciphertext ‖ tag) */
  sealed: string;
}

export class UnsealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsealError';
  }
}

export class KeyRing {
  constructor(private readonly spec: KeyRingSpec) {}

  get activeKeyId(): string {
    return this.spec.activeId;
  }

  get keyIds(): string[] {
    return [...this.spec.keys.keys()];
  }

  seal(plaintext: string, clusterId: string): Sealed {
    const key = this.spec.keys.get(this.spec.activeId)!;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(clusterId, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.spec.activeId, sealed: Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64') };
  }

  open(sealed: Sealed, clusterId: string): string {
    const key = this.spec.keys.get(sealed.keyId);
    if (!key) {
      throw new UnsealError(
        `cluster ${clusterId} was sealed with key "${sealed.keyId}", which is not in KUBECONFIG_ENCRYPTION_KEYS ` +
          `(it has: ${this.keyIds.join(', ')}); add that key back to the list`,
      );
    }
    const raw = Buffer.from(sealed.sealed, 'base64');
    if (raw.length < NONCE_BYTES + TAG_BYTES) throw new UnsealError(`cluster ${clusterId}: the sealed credentials are truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(clusterId, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new UnsealError(
        `cluster ${clusterId}: the sealed credentials failed authentication with key "${sealed.keyId}" ` +
          '(they were altered, belong to another cluster id, or that key id now holds a different key)',
      );
    }
  }
}
