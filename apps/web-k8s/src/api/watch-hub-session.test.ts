import { describe, expect, it } from 'vitest';
import { nextTick, ref } from 'vue';
import { reconnectOnIdentityChange } from './watch-hub-session';

describe('reconnectOnIdentityChange', () => {
  it('reconnects the hub when the signed-in identity changes, once per change, not when it stays', async () => {
    let reconnects = 0;
    const token = ref<string | null>('t1');
    const user = ref<string | null>('alice');
    const stop = reconnectOnIdentityChange({ reconnect: () => void reconnects++ }, () => (token.value ? (user.value ?? token.value) : null));
    token.value = 't2'; // a refresh: same user
    await nextTick();
    expect(reconnects).toBe(0);
    token.value = null; // signed out
    user.value = null;
    await nextTick();
    expect(reconnects).toBe(1);
    token.value = 't3'; // bob signs in: token first, then the user
    user.value = 'bob';
    await nextTick();
    expect(reconnects).toBe(2);
    stop();
    user.value = 'carol';
    await nextTick();
    expect(reconnects).toBe(2);
  });
});
