// One pinia per console instance (never the global active one alone), so embedded instances stay apart.
import { createPinia, type Pinia } from 'pinia';

export function createConsolePinia(): Pinia {
  return createPinia();
}
