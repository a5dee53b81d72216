// Endpoints of the auth domain: login, refresh, logout and the signed-in identity.
import type { LoginRequest, LoginResponse, Me } from '@k8s-console/contracts';
import type { ApiClient } from './client';

export function authApi(client: ApiClient) {
  return {
    login: (input: LoginRequest) => client.post<LoginResponse>('/v1/auth/login', input, { skipAuth: true }),
    refresh: (refreshToken: string) =>
      client.post<LoginResponse>('/v1/auth/refresh', { refreshToken }, { skipAuth: true }),
    /** Ends the sign-in the refresh token belongs to (its access token simply expires). */
    logout: (refreshToken: string) => client.post<void>('/v1/auth/logout', { refreshToken }, { skipAuth: true }),
    me: () => client.get<Me>('/v1/me'),
  };
}
