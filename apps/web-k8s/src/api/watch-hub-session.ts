// The watch hub's socket is authorized as the user who opened it. When the signed-in identity
// changes (sign-out, another user signing in here, in another tab, or through the embedding host)
// the hub reconnects, so no list goes on being fed under the previous user's rights.
import { watch, type WatchStopHandle } from 'vue';
import type { WatchHub } from './watch-hub';

/**
 * identity(): who is signed in now (null: nobody). A change of answer makes the hub reconnect, once
 * per tick: a sign-in sets the token and then the user, which must not cost two sockets.
 */
export function reconnectOnIdentityChange(hub: Pick<WatchHub, 'reconnect'>, identity: () => string | null): WatchStopHandle {
  return watch(identity, () => hub.reconnect());
}
