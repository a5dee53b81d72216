// Parses KUBECONFIG_ENCRYPTION_KEYS (`id:base64key,...`, first one active) into key material.
// Kept apart from crypto/ so config validation can report a bad key at start.

export interface KeyRingSpec {
  /** id of the key new seals use (the first in the list) */
  activeId: string;
  keys: Map<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Throws an Error whose message says what is expected; the caller prefixes the variable name. */
export function parseKeyRingSpec(raw: string): KeyRingSpec {
  const keys = new Map<string, Buffer>();
  let activeId = '';
  for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const sep = entry.indexOf(':');
    const id = sep > 0 ? entry.slice(0, sep) : '';
    const b64 = sep > 0 ? entry.slice(sep + 1) : '';
    if (!KEY_ID.test(id)) throw new Error(`expected "id:base64key,..." where id is 1-32 of [A-Za-z0-9_-]; got an entry without a valid id`);
    if (keys.has(id)) throw new Error(`key id "${id}" appears twice`);
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== b64.replace(/=+$/, '')) {
      throw new Error(`key "${id}" must be 32 bytes in base64 (e.g. from \`openssl rand -base64 32\`)`);
    }
    keys.set(id, key);
    if (!activeId) activeId = id;
  }
  if (!activeId) throw new Error('expected at least one "id:base64key"');
  return { activeId, keys };
}
