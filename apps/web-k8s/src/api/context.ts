// How components and stores reach the one API client: provided by createConsoleApp() on the
// app instance (never a global), so two console instances on one page stay apart.
import { inject, type InjectionKey } from 'vue';
import type { ApiClient } from './client';

export const API_CLIENT: InjectionKey<ApiClient> = Symbol('k8s-console.api-client');

export function useApiClient(): ApiClient {
  const client = inject(API_CLIENT, null);
  if (!client) throw new Error('useApiClient() needs the API client provided by createConsoleApp()');
  return client;
}
